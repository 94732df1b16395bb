// A harness (`npm run chaos`, harness/cli/main.ts) started for a test with its own runtime folder,
// driven to a point of its run and then killed with SIGKILL, as the OOM killer or a cancelled CI
// job would: what it started is known from its runtime record and from its process tree (read
// before the kill), each process by pid and start time, so a pid reused later never counts.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HarnessRecord } from "../../harness/environments/local/harness-record.ts";
import { processTreePids } from "../../harness/environments/local/process-group.ts";
import { processStartTime } from "../../harness/environments/local/process-identity.ts";
import { descendants } from "./process-tree.ts";

export interface StartedHarness {
  child: ChildProcess;
  pid: number;
  /** CHAOS_RUNTIME_DIR of this harness */
  runtimeDir: string;
  reports: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A process of the run, as seen before the kill. */
export interface RunProcess { pid: number; startTime: string; what: string }

/** A suite of one steady scenario with a latency fault at 5 s (2 s when `short`: a run that ends by itself after ~5 s). */
export function writeSuite(dir: string, short = false): string {
  const file = join(dir, "suite.json");
  const timing = short ? { warmup: "1s", duration: "4s" } : { warmup: "4s", duration: "5m" };
  writeFileSync(file, JSON.stringify({
    scenarios: [{ scenario: "steady", users: 20, rate: 10, ...timing, timeline: [{ at: short ? "2s" : "5s", ...(short ? { for: "1s" } : {}), target: "all-paths", fault: { kind: "latency", latencyMs: 100 } }] }],
  }));
  return file;
}

export function startHarness(args: string[], options: { env?: Record<string, string | undefined>; runtimeDir?: string } = {}): StartedHarness {
  const dir = mkdtempSync(join(tmpdir(), "killed-harness-"));
  const runtimeDir = options.runtimeDir ?? join(dir, "runtime");
  const reports = join(dir, "reports");
  mkdirSync(reports);
  const child = spawn(process.execPath, ["--import", "tsx", "harness/cli/main.ts", ...args, "--reports", reports], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // as from a terminal: the harness leads its own process group
    env: { ...process.env, CHAOS_RUNTIME_DIR: runtimeDir, CHAOS_ENV: undefined, CHAOS_TARGET: undefined, CHAOS_RELAY_COMMAND: undefined, CHAOS_RELAY_IMAGE: undefined, ...options.env },
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { child, pid: child.pid!, runtimeDir, reports, output: () => output, exited };
}

/** Resolves once the harness printed `text`; throws (with its output) if it exits first or takes over `timeoutMs`. */
export async function waitForOutput(harness: StartedHarness, text: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!harness.output().includes(text)) {
    if (harness.child.exitCode !== null || harness.child.signalCode !== null) throw new Error(`the harness exited before printing '${text}'; output:\n${harness.output()}`);
    if (Date.now() > deadline) throw new Error(`no '${text}' within ${timeoutMs} ms; output:\n${harness.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function recordOf(harness: StartedHarness): HarnessRecord | null {
  const file = join(harness.runtimeDir, `harness-${harness.pid}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as HarnessRecord) : null;
}

/** Every process of the run now: the harness's descendants and what its record lists (with their groups and descendants). */
export function runProcesses(harness: StartedHarness): RunProcess[] {
  const found = new Map<number, string>();
  for (const p of recordOf(harness)?.processes ?? []) {
    found.set(p.pid, p.name);
    if (p.group) for (const pid of processTreePids(p.pid)) if (!found.has(pid)) found.set(pid, `of ${p.name}'s group`);
  }
  for (const pid of descendants(harness.pid)) if (!found.has(pid)) found.set(pid, "child of the harness");
  const processes: RunProcess[] = [];
  for (const [pid, what] of found) {
    const startTime = processStartTime(pid);
    if (startTime !== null) processes.push({ pid, startTime, what: `${what}: ${commandLine(pid)}` });
  }
  return processes;
}

/** Those of `processes` still running (the same process: same pid and start time). */
export function stillRunning(processes: RunProcess[]): RunProcess[] {
  return processes.filter((p) => processStartTime(p.pid) === p.startTime);
}

/** Polls until none of `processes` runs or `timeoutMs` passed: how long it took, and what still runs. */
export async function untilGone(processes: RunProcess[], timeoutMs: number): Promise<{ ms: number; left: RunProcess[] }> {
  const started = Date.now();
  while (stillRunning(processes).length && Date.now() - started < timeoutMs) await new Promise((r) => setTimeout(r, 20));
  return { ms: Date.now() - started, left: stillRunning(processes) };
}

/** SIGKILL to the harness process alone (not its group), as the OOM killer sends it. */
export async function killHarness(harness: StartedHarness): Promise<void> {
  if (harness.child.exitCode !== null || harness.child.signalCode !== null) throw new Error(`the harness had already exited; output:\n${harness.output()}`);
  process.kill(harness.pid, "SIGKILL");
  await harness.exited;
}

/** Leaves nothing of a test's harness behind, whatever the test found (by group and by the processes seen). */
export function killEverything(harness: StartedHarness, processes: RunProcess[]): void {
  for (const p of stillRunning(processes)) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch { /* gone */ }
  }
  try {
    process.kill(-harness.pid, "SIGKILL");
  } catch { /* gone */ }
}


function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim().slice(0, 120);
  } catch {
    return "?";
  }
}
