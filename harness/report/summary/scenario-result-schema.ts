// One scenario of a run as summary.json holds it.
import { z } from "zod";
import { scenarioFiguresSchema } from "./figures-schema.ts";
import { backlogSchema, generatorSaturationSchema, relayPeaksSchema, relayStartupSchema, serverUsageSchema } from "./measurements-schema.ts";
import { loadInstancesSchema } from "../../load/segments/load-instances.ts";
import { faultRecordSchema, loadSchema, targetSchema, timelineEntrySchema } from "./plan-schema.ts";

export const RUN_STATUSES = ["completed", "interrupted", "failed"] as const;

export const checkResultSchema = z.strictObject({
  name: z.string(),
  status: z.enum(["pass", "fail", "unknown"]),
  details: z.record(z.string(), z.unknown()),
}).describe("a check (privacy, message checkers): unknown when nothing was checked or the checker threw, never pass");

export const scenarioResultSchema = z.strictObject({
  name: z.string().describe("unique within the suite: the scenario's folder in the run folder"),
  scenario: z.string().describe("the k6 file, scenarios/<scenario>.ts"),
  status: z.enum(RUN_STATUSES),
  error: z.string().optional(),
  target: targetSchema,
  load: loadSchema.extend({ instances: loadInstancesSchema.optional() }),
  startedAt: z.number().nullable().describe("the k6 scenario's start (null: it never started)"),
  endedAt: z.number(),
  k6ExitCode: z.number().nullable(),
  thresholdsPassed: z.boolean().describe("false when k6 did not exit with 0"),
  timeline: z.array(timelineEntrySchema),
  faults: z.array(faultRecordSchema),
  figures: scenarioFiguresSchema,
  relay: z.strictObject({ peaks: relayPeaksSchema, startups: z.array(relayStartupSchema), backlog: backlogSchema.nullable() }),
  server: z.strictObject({ usage: serverUsageSchema }),
  generator: generatorSaturationSchema,
  checks: z.array(checkResultSchema),
  files: z.record(z.string(), z.string()).describe("files of this scenario, relative to the run folder"),
});

export type ScenarioResult = z.infer<typeof scenarioResultSchema>;
