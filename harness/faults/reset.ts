// reset: an RST-style block. "refuse" disables the proxy (open connections are closed, new ones
// refused); "reset_peer" lets connections open and resets them after timeoutMs.
import type { FaultKind } from "./fault-kind.ts";
import { addToxic, removeToxic, setEnabled } from "./toxics.ts";

export const reset: FaultKind = {
  kind: "reset",
  summary: "block the path with connection resets (refuse = proxy disabled, reset_peer = TCP RST after timeoutMs)",
  targets: "paths",
  envelope: ["direction", "toxicity"],
  unhonoured: (params) => (params.mode === "refuse" ? { fields: ["direction", "toxicity"], because: "mode 'refuse' disables the whole proxy: every connection, both directions; direction and toxicity need mode 'reset_peer'" } : null),
  blocksPaths: true,
  recoveryFrom: "heal",
  params: {
    mode: { type: "string", description: "how the block shows", allowed: ["refuse", "reset_peer"], default: "refuse" },
    timeoutMs: { type: "number", description: "reset_peer: milliseconds before the reset", min: 0, max: 600_000, default: 0 },
  },
  inject: (ctx) => (ctx.params.mode === "refuse" ? setEnabled(ctx, false) : addToxic(ctx, "reset_peer", { timeout: Number(ctx.params.timeoutMs) })),
  heal: async (ctx) => {
    await removeToxic(ctx);
    await setEnabled(ctx, true);
  },
};
