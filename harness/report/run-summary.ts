// summary.json: the machine-readable record of one run (schema in reports/README.md).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ScenarioResult } from "../run/run-scenario.ts";
import type { TargetIdentity } from "../targets/target.ts";

export const SUMMARY_SCHEMA_VERSION = 1;

export interface RunSummary {
  schemaVersion: typeof SUMMARY_SCHEMA_VERSION;
  runId: string;
  status: "completed" | "interrupted" | "failed";
  startedAt: string;
  endedAt: string;
  suite: { name: string; source: string; description: string };
  command: string[];
  environment: { kind: string; reason: string; versions: Record<string, string> };
  /** the server under test when every scenario tests the same one (each scenario also has its own); version null until it started */
  target?: TargetIdentity;
  scenarios: ScenarioResult[];
  error?: string;
}

export function writeRunSummary(runDir: string, summary: RunSummary): string {
  const file = join(runDir, "summary.json");
  writeFileSync(file, JSON.stringify(summary, null, 2) + "\n");
  return file;
}
