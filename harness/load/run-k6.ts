// Starts the real k6 binary on a scenario, with per-message records on the console output (JSON
// lines), the end-of-test summary in the run folder and, when asked for, k6's raw metric points
// (--out json: every sample of every metric, as large as the records themselves), or only its
// dropped_iterations points (k6-drop-tap.ts: the surge's sign-ups k6 never started). With several
// instances (--segments), each is started as the k6-operator starts a runner: its execution
// segment and the shared sequence, paused behind its REST API, tagged with its instance.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startProcess, type ManagedProcess } from "../environments/local/managed-process.ts";
import { startDropTap } from "./k6-drop-tap.ts";
import { executionSegmentArgs } from "./segments/execution-segment-args.ts";

export interface K6Files {
  /** k6's raw metric points, one JSON object a line (null: not written) */
  metrics: string | null;
  /** k6's dropped_iterations points only, kept from its JSON output through a pipe when `metrics` is null (k6-drop-tap.ts; null: not kept) */
  drops: string | null;
  /** console.log output: the scenario's per-message and per-connection records */
  console: string;
  /** handleSummary() output */
  summary: string;
  /** k6's own stdout/stderr */
  log: string;
}

export function k6Files(dir: string, rawMetrics: boolean, drops = false): K6Files {
  return { metrics: rawMetrics ? join(dir, "k6-metrics.jsonl") : null, drops: drops && !rawMetrics ? join(dir, "k6-dropped-iterations.jsonl") : null, console: join(dir, "k6-console.jsonl"), summary: join(dir, "k6-summary.json"), log: join(dir, "k6.log") };
}

/**
 * Each instance's files: the scenario folder itself for one instance, `instance-<i>/` in it (created here) for several.
 * `drops`: keep k6's dropped_iterations points (the surge's sign-ups k6 never started) even without the raw metrics.
 */
export function k6InstanceFiles(dir: string, rawMetrics: boolean, count: number, drops = false): K6Files[] {
  if (count === 1) return [k6Files(dir, rawMetrics, drops)];
  return Array.from({ length: count }, (_, i) => {
    const own = join(dir, `instance-${i}`);
    mkdirSync(own, { recursive: true });
    return k6Files(own, rawMetrics, drops);
  });
}

/** One runner of several: its segment, and the REST API address it waits behind until unpaused. */
export interface K6Runner {
  index: number;
  count: number;
  /** 127.0.0.1:<port> */
  address: string;
}

/**
 * The runner's own flags, in the k6-operator's order and form: segment and sequence, then its
 * address, paused, and its instance tag (the operator numbers runners from 1: instance_id=index+1).
 */
export function k6RunnerArgs(r: K6Runner): string[] {
  return [...executionSegmentArgs(r.index, r.count), `--address=${r.address}`, "--paused", "--tag", `instance_id=${r.index + 1}`];
}

/** k6 ends (`exited`) once its dropped_iterations points, when kept, are all in their file. */
export function startK6(k6Path: string, scenarioFile: string, env: Record<string, string>, files: K6Files, runner?: K6Runner): ManagedProcess {
  const tap = files.drops ? startDropTap(files.drops) : null;
  const json = files.metrics ?? tap?.pipe;
  const args = [
    "run", "--no-usage-report", "--no-color", "--quiet", "--log-format=json",
    `--console-output=${files.console}`, ...(json ? ["--out", `json=${json}`] : []),
    // K6_PPROF_ADDRESS=127.0.0.1:6565 serves k6's pprof endpoint (/debug/pprof/) during the run (one instance only: a runner's address is its own)
    ...(process.env.K6_PPROF_ADDRESS && !runner ? ["--profiling-enabled", "--address", process.env.K6_PPROF_ADDRESS] : []),
    ...Object.entries({ ...env, SUMMARY_FILE: files.summary }).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    scenarioFile,
    ...(runner ? k6RunnerArgs(runner) : []),
  ];
  // k6's JS garbage is short-lived: a larger GC target trades some memory for a quarter less CPU
  const k6 = startProcess(k6Path, args, { logFile: files.log, env: { GOGC: process.env.GOGC ?? "400" }, name: runner ? `k6 instance ${runner.index}` : "k6" });
  return tap ? { ...k6, exited: k6.exited.then(() => tap.finish()) } : k6;
}
