// blackhole: a censor's silent drop. The TCP handshake still succeeds but no byte gets through
// in either direction (Toxiproxy "timeout" toxic with timeout 0, both ways whatever the entry says,
// so `direction` is not accepted); healing closes those connections.
import { defineFaultKind } from "./fault-kind.ts";
import { NO_SETTINGS } from "./fault-settings.ts";
import { addToxic, removeToxic } from "./toxics.ts";

export const blackhole = defineFaultKind({
  kind: "blackhole",
  summary: "silently drop all data on the path (connections hang, nothing is refused)",
  targets: "paths",
  envelope: ["toxicity"],
  blocksPaths: true,
  recoveryFrom: "heal",
  params: NO_SETTINGS,
  inject: (ctx) => addToxic({ ...ctx, direction: "both" }, "timeout", { timeout: 0 }),
  heal: (ctx) => removeToxic(ctx),
});
