// slicer: data is cut into small pieces with a delay between them (Toxiproxy "slicer" toxic).
import type { FaultKind } from "./fault-kind.ts";
import { addToxic, removeToxic } from "./toxics.ts";

export const slicer: FaultKind = {
  kind: "slicer",
  summary: "slice data into averageSize-byte pieces, delayUs microseconds apart",
  targets: "paths",
  envelope: ["direction", "toxicity"],
  blocksPaths: false,
  recoveryFrom: "heal",
  params: {
    averageSize: { type: "number", description: "average piece size in bytes", min: 1, max: 1_000_000, default: 64 },
    sizeVariation: { type: "number", description: "± bytes around the average", min: 0, max: 1_000_000, default: 32 },
    delayUs: { type: "number", description: "pause between pieces in microseconds", min: 0, max: 10_000_000, default: 1000 },
  },
  inject: (ctx) => addToxic(ctx, "slicer", { average_size: Number(ctx.params.averageSize), size_variation: Number(ctx.params.sizeVariation), delay: Number(ctx.params.delayUs) }),
  heal: (ctx) => removeToxic(ctx),
};
