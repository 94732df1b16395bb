// bandwidth: the path carries at most rateKBps (Toxiproxy "bandwidth" toxic), like a censor's throttling.
import { z } from "zod";
import { defineFaultKind } from "./fault-kind.ts";
import { numberSetting } from "./fault-settings.ts";
import { addToxic, removeToxic } from "./toxics.ts";

export const bandwidth = defineFaultKind({
  kind: "bandwidth",
  summary: "cap the path's throughput at rateKBps kilobytes per second",
  targets: "paths",
  envelope: ["direction", "toxicity"],
  blocksPaths: false,
  recoveryFrom: "heal",
  params: z.strictObject({
    rateKBps: numberSetting("kilobytes per second", { min: 0, max: 10_000_000 }, 16),
  }),
  inject: (ctx) => addToxic(ctx, "bandwidth", { rate: ctx.params.rateKBps }),
  heal: (ctx) => removeToxic(ctx),
});
