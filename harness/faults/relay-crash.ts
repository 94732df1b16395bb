// relay-crash: SIGKILL the relay; it stays down for the entry's `for`, then starts on the same data.
import { defineFaultKind } from "./fault-kind.ts";
import { NO_SETTINGS } from "./fault-settings.ts";

export const relayCrash = defineFaultKind({
  kind: "relay-crash",
  summary: "kill the relay with SIGKILL; heal starts it again on the same store",
  targets: "relay",
  envelope: [],
  blocksPaths: false,
  recoveryFrom: "inject",
  params: NO_SETTINGS,
  inject: (ctx) => ctx.env.relay.kill(),
  heal: (ctx) => ctx.env.relay.start(),
});
