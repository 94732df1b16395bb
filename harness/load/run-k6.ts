// Starts the real k6 binary on a scenario, with per-message records on the console output (JSON
// lines), the end-of-test summary in the run folder and, when asked for, k6's raw metric points
// (--out json: every sample of every metric, as large as the records themselves).
import { join } from "node:path";
import { startProcess, type ManagedProcess } from "../environments/local/managed-process.ts";

export interface K6Files {
  /** k6's raw metric points, one JSON object a line (null: not written) */
  metrics: string | null;
  /** console.log output: the scenario's per-message and per-connection records */
  console: string;
  /** handleSummary() output */
  summary: string;
  /** k6's own stdout/stderr */
  log: string;
}

export function k6Files(dir: string, rawMetrics: boolean): K6Files {
  return { metrics: rawMetrics ? join(dir, "k6-metrics.jsonl") : null, console: join(dir, "k6-console.jsonl"), summary: join(dir, "k6-summary.json"), log: join(dir, "k6.log") };
}

export function startK6(k6Path: string, scenarioFile: string, env: Record<string, string>, files: K6Files): ManagedProcess {
  const args = [
    "run", "--no-usage-report", "--no-color", "--quiet", "--log-format=json",
    `--console-output=${files.console}`, ...(files.metrics ? ["--out", `json=${files.metrics}`] : []),
    // K6_PPROF_ADDRESS=127.0.0.1:6565 serves k6's pprof endpoint (/debug/pprof/) during the run
    ...(process.env.K6_PPROF_ADDRESS ? ["--profiling-enabled", "--address", process.env.K6_PPROF_ADDRESS] : []),
    ...Object.entries({ ...env, SUMMARY_FILE: files.summary }).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    scenarioFile,
  ];
  // k6's JS garbage is short-lived: a larger GC target trades some memory for a quarter less CPU
  return startProcess(k6Path, args, { logFile: files.log, env: { GOGC: process.env.GOGC ?? "400" }, name: "k6" });
}
