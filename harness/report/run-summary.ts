// Writes summary.json, the machine-readable record of one run; its shape is the schema in
// harness/report/summary/ (shipped as reports/summary.schema.json).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SUMMARY_SCHEMA_VERSION, type RunSummary } from "./summary/run-summary-schema.ts";

export { SUMMARY_SCHEMA_VERSION, type RunSummary };

export function writeRunSummary(runDir: string, summary: RunSummary): string {
  const file = join(runDir, "summary.json");
  writeFileSync(file, JSON.stringify(summary, null, 2) + "\n");
  return file;
}
