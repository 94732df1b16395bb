// reset: an RST-style block. "refuse" disables the path (open connections are closed, new ones
// refused); "reset_peer" lets connections open and resets them after timeoutMs.
import { z } from "zod";
import { defineFaultKind } from "./fault-kind.ts";
import { choiceSetting, numberSetting } from "./fault-settings.ts";
import { addToxic, onEachPath, removeToxicFrom } from "./toxics.ts";

export const reset = defineFaultKind({
  kind: "reset",
  summary: "block the path with connection resets (refuse = path disabled, reset_peer = TCP RST after timeoutMs)",
  targets: "paths",
  envelope: ["direction", "toxicity"],
  unhonoured: (params) => (params.mode === "refuse" ? { fields: ["direction", "toxicity"], because: "mode 'refuse' disables the whole proxy: every connection, both directions; direction and toxicity need mode 'reset_peer'" } : null),
  blocksPaths: true,
  recoveryFrom: "heal",
  params: z.strictObject({
    mode: choiceSetting("how the block shows", ["refuse", "reset_peer"], "refuse"),
    timeoutMs: numberSetting("reset_peer: milliseconds before the reset", { min: 0, max: 600_000 }, 0),
  }),
  inject: (ctx) => (ctx.params.mode === "refuse" ? onEachPath(ctx, (path) => ctx.env.network.setEnabled(path, false)) : addToxic(ctx, "reset_peer", { timeout: ctx.params.timeoutMs })),
  heal: (ctx) => onEachPath(ctx, async (path) => {
    await removeToxicFrom(ctx, path);
    await ctx.env.network.setEnabled(path, true);
  }),
});
