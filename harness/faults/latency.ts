// latency: every chunk on the path waits latencyMs ± jitterMs (Toxiproxy "latency" toxic).
import { z } from "zod";
import { defineFaultKind } from "./fault-kind.ts";
import { numberSetting } from "./fault-settings.ts";
import { addToxic, removeToxic } from "./toxics.ts";

export const latency = defineFaultKind({
  kind: "latency",
  summary: "delay data on the path by latencyMs, with ± jitterMs",
  targets: "paths",
  envelope: ["direction", "toxicity"],
  blocksPaths: false,
  recoveryFrom: "heal",
  params: z.strictObject({
    latencyMs: numberSetting("added delay in milliseconds", { min: 0, max: 600_000 }, 100),
    jitterMs: numberSetting("random ± spread in milliseconds", { min: 0, max: 600_000 }, 0),
  }),
  inject: (ctx) => addToxic(ctx, "latency", { latency: ctx.params.latencyMs, jitter: ctx.params.jitterMs }),
  heal: (ctx) => removeToxic(ctx),
});
