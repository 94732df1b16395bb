// slicer: data is cut into small pieces with a delay between them (Toxiproxy "slicer" toxic).
import { z } from "zod";
import { defineFaultKind } from "./fault-kind.ts";
import { numberSetting } from "./fault-settings.ts";
import { addToxic, removeToxic } from "./toxics.ts";

export const slicer = defineFaultKind({
  kind: "slicer",
  summary: "slice data into averageSize-byte pieces, delayUs microseconds apart",
  targets: "paths",
  envelope: ["direction", "toxicity"],
  blocksPaths: false,
  recoveryFrom: "heal",
  params: z.strictObject({
    averageSize: numberSetting("average piece size in bytes", { min: 1, max: 1_000_000 }, 64),
    sizeVariation: numberSetting("± bytes around the average", { min: 0, max: 1_000_000 }, 32),
    delayUs: numberSetting("pause between pieces in microseconds", { min: 0, max: 10_000_000 }, 1000),
  }),
  inject: (ctx) => addToxic(ctx, "slicer", { average_size: ctx.params.averageSize, size_variation: ctx.params.sizeVariation, delay: ctx.params.delayUs }),
  heal: (ctx) => removeToxic(ctx),
});
