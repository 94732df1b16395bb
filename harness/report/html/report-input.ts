// What the report pages read from summary.json: the schema's types (harness/report/summary/) with
// every field optional, because runs written before a figure existed lack it and the pages must
// still render them.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DeepPartial } from "../summary/deep-partial.ts";
import type { FaultWindowFigures } from "../summary/fault-window-schema.ts";
import type { RunSummary } from "../summary/run-summary-schema.ts";
import type { ScenarioResult } from "../summary/scenario-result-schema.ts";

export type Status = "pass" | "fail" | "unknown";

/** summary.json of this schema version, written by any run (older ones lack later fields) */
export type SummaryInput = Omit<DeepPartial<RunSummary>, "scenarios"> & { scenarios?: SummaryScenario[] };
/** a scenario always had its name and its checks */
export type SummaryScenario = Omit<DeepPartial<ScenarioResult>, "name" | "checks"> & Pick<ScenarioResult, "name"> & Partial<Pick<ScenarioResult, "checks">>;
export type SummaryWindow = DeepPartial<FaultWindowFigures>;
export type SummaryTarget = DeepPartial<ScenarioResult["target"]>;

export function readSummary(runDir: string): SummaryInput | null {
  return readRunJson<SummaryInput>(runDir, "summary.json");
}

/** A JSON file of a run folder, or null when it is missing or unreadable (an old or interrupted run). */
function readRunJson<T>(runDir: string, name: string): T | null {
  const file = join(runDir, name);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

/** reports/<run-id>/verdict.json, written by the verdict layer when the run had one. */
export interface VerdictFile {
  status?: string; gate?: string; slo?: string | null;
  judgements?: { source?: string; name?: string; scenario?: string; status?: string; measured?: unknown; limit?: unknown; details?: { value?: unknown; limitValue?: unknown; unit?: unknown; count?: unknown } }[];
}

export function readVerdictFile(runDir: string): VerdictFile | null {
  return readRunJson<VerdictFile>(runDir, "verdict.json");
}

/** The run's verdict as the gate gave it (verdict.json); unknown when it wrote none: the pages never judge. */
export function recordedStatus(file: VerdictFile | null): Status {
  return file?.status === "pass" || file?.status === "fail" ? file.status : "unknown";
}
