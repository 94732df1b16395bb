// Starts the real k6 binary on a scenario, with raw metrics (--out json), per-message records on
// the console output (JSON lines) and the end-of-test summary in the run folder.
import { join } from "node:path";
import { startProcess, type ManagedProcess } from "../environments/local/managed-process.ts";

export interface K6Files {
  /** k6's raw metric points, one JSON object a line */
  metrics: string;
  /** console.log output: the scenario's per-message and per-connection records */
  console: string;
  /** handleSummary() output */
  summary: string;
  /** k6's own stdout/stderr */
  log: string;
}

export function k6Files(dir: string): K6Files {
  return { metrics: join(dir, "k6-metrics.jsonl"), console: join(dir, "k6-console.jsonl"), summary: join(dir, "k6-summary.json"), log: join(dir, "k6.log") };
}

export function startK6(k6Path: string, scenarioFile: string, env: Record<string, string>, files: K6Files): ManagedProcess {
  const args = [
    "run", "--no-usage-report", "--no-color", "--quiet", "--log-format=json",
    `--console-output=${files.console}`, "--out", `json=${files.metrics}`,
    // K6_PPROF_ADDRESS=127.0.0.1:6565 serves k6's pprof endpoint (/debug/pprof/) during the run
    ...(process.env.K6_PPROF_ADDRESS ? ["--profiling-enabled", "--address", process.env.K6_PPROF_ADDRESS] : []),
    ...Object.entries({ ...env, SUMMARY_FILE: files.summary }).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    scenarioFile,
  ];
  return startProcess(k6Path, args, { logFile: files.log });
}
