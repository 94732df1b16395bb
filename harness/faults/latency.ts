// latency: every chunk on the path waits latencyMs ± jitterMs (Toxiproxy "latency" toxic).
import type { FaultKind } from "./fault-kind.ts";
import { addToxic, removeToxic } from "./toxics.ts";

export const latency: FaultKind = {
  kind: "latency",
  summary: "delay data on the path by latencyMs, with ± jitterMs",
  targets: "paths",
  envelope: ["direction", "toxicity"],
  blocksPaths: false,
  recoveryFrom: "heal",
  params: {
    latencyMs: { type: "number", description: "added delay in milliseconds", min: 0, max: 600_000, default: 100 },
    jitterMs: { type: "number", description: "random ± spread in milliseconds", min: 0, max: 600_000, default: 0 },
  },
  inject: (ctx) => addToxic(ctx, "latency", { latency: Number(ctx.params.latencyMs), jitter: Number(ctx.params.jitterMs) }),
  heal: (ctx) => removeToxic(ctx),
};
