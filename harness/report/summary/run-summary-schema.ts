// summary.json: the machine-readable record of one run. The one description of its shape: the
// writer (harness/run/), the verdict (harness/verdict/) and the pages (harness/report/html/) take
// their types from it, and reports/summary.schema.json is generated from it (`npm run schema`).
// Fields are only ever added within a schema version.
import { z } from "zod";
import { targetSchema } from "./plan-schema.ts";
import { RUN_STATUSES, scenarioResultSchema } from "./scenario-result-schema.ts";

export const SUMMARY_SCHEMA_VERSION = 1;

export const runSummarySchema = z.strictObject({
  schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION),
  runId: z.string().describe("UTC start time and suite name, e.g. 20261122-015854-default"),
  status: z.enum(RUN_STATUSES),
  startedAt: z.string().describe("ISO 8601"),
  endedAt: z.string().describe("ISO 8601"),
  suite: z.strictObject({ name: z.string(), source: z.string(), description: z.string() }),
  command: z.array(z.string()).describe("the command line's arguments"),
  environment: z.strictObject({
    kind: z.string().describe("containers or local"),
    reason: z.string(),
    versions: z.record(z.string(), z.string()).describe("k6, the target's name, toxiproxy, node, engine, images..."),
  }),
  target: targetSchema.optional().describe("the server under test when every scenario tests the same one (each scenario also has its own)"),
  scenarios: z.array(scenarioResultSchema),
  error: z.string().optional(),
}).meta({ title: "summary.json", description: "the machine-readable record of one e2ee-chaos run (reports/<run-id>/summary.json)" });

export type RunSummary = z.infer<typeof runSummarySchema>;
