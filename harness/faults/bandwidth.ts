// bandwidth: the path carries at most rateKBps (Toxiproxy "bandwidth" toxic), like a censor's throttling.
import type { FaultKind } from "./fault-kind.ts";
import { addToxic, removeToxic } from "./toxics.ts";

export const bandwidth: FaultKind = {
  kind: "bandwidth",
  summary: "cap the path's throughput at rateKBps kilobytes per second",
  targets: "paths",
  envelope: ["direction", "toxicity"],
  blocksPaths: false,
  recoveryFrom: "heal",
  params: {
    rateKBps: { type: "number", description: "kilobytes per second", min: 0, max: 10_000_000, default: 16 },
  },
  inject: (ctx) => addToxic(ctx, "bandwidth", { rate: Number(ctx.params.rateKBps) }),
  heal: (ctx) => removeToxic(ctx),
};
