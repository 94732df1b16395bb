// Runs k6 on a scenario while the fault timeline runs on the load's clock, with live progress,
// relay metrics sampling and the server's own CPU and memory (every target); returns what was
// recorded. Everything is healed in `finally`.
import { readFileSync } from "node:fs";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import type { Environment } from "../environments/environment.ts";
import { describeOverrun, watchK6End, type K6Overrun } from "../load/k6-end-watch.ts";
import { startK6, type K6Files } from "../load/run-k6.ts";
import { LiveStats } from "../progress/live-stats.ts";
import { ProgressPrinter, type ProgressState } from "../progress/progress-line.ts";
import { ClientEventTail } from "../record/client-event-tail.ts";
import { ProcessUsageSampler, type ProcessUsageSample } from "../record/process-usage-sampler.ts";
import { RelayMetricsSampler, type RelaySample } from "../record/relay-metrics-sampler.ts";
import { ServerUsageSampler, serverUsageFigures, type ServerUsageFigures, type ServerUsageSample } from "../record/server-usage-sampler.ts";
import { FaultTimeline, type FaultRecord } from "../timeline/fault-timeline.ts";
import type { TimelineEntry } from "../timeline/timeline-entry.ts";

/** How long k6 may take from launch to its first record before the run is declared failed. */
const K6_START_TIMEOUT_MS = 120_000;

export interface LoadDrive {
  name: string;
  k6Path: string;
  scenarioFile: string;
  k6Env: Record<string, string>;
  files: K6Files;
  timeline: TimelineEntry[];
  env: Environment;
  users: number;
  totalS: number;
  interrupt: AbortSignal;
  log: (line: string) => void;
}

export interface DrivenLoad {
  events: ClientEvent[];
  faults: FaultRecord[];
  relaySamples: RelaySample[];
  /** k6's own CPU and memory, once a second (the saturation guard's input) */
  k6Usage: ProcessUsageSample[];
  /** the server under test's own CPU and memory, once a second (/proc or the container engine) */
  serverUsage: ServerUsageSample[];
  /** headline figures of serverUsage (null figures: not measured) */
  serverUsageFigures: ServerUsageFigures;
  startedAt: number | null;
  k6ExitCode: number | null;
  error?: string;
}

export async function driveLoad(d: LoadDrive): Promise<DrivenLoad> {
  const events: ClientEvent[] = [];
  const faults: FaultRecord[] = [];
  const stats = new LiveStats();
  const timeline = new FaultTimeline(d.timeline, d.env, (record) => {
    faults.push(record);
    if (!record.ok) d.log(`[${d.name}] ${record.event} of timeline[${record.entry}] (${record.kind}) failed: ${record.error}`);
  });
  let cancelEndWatch = () => {};
  let overrun: K6Overrun | null = null;
  const progress: ProgressState = { scenario: d.name, startedAt: null, totalS: d.totalS, activeFaults: [], users: d.users, stats };
  const tail = new ClientEventTail(d.files.console, (event) => {
    events.push(event);
    stats.add(event);
    if (event.ev === "start" && progress.startedAt === null) {
      progress.startedAt = event.t;
      timeline.start(event.t);
      cancelEndWatch = watchK6End(k6.child.pid, event.t + d.totalS * 1000, (o) => {
        overrun = o;
        d.log(`[${d.name}] ${describeOverrun(o)}`);
        stopK6();
      });
    }
  });
  const printer = new ProgressPrinter(progress);
  const sampler = new RelayMetricsSampler(d.env.relay);
  const k6Usage = new ProcessUsageSampler();
  const serverUsage = new ServerUsageSampler(() => d.env.relay.usage());
  const faultNames = setInterval(() => {
    progress.activeFaults = timeline.active().map((e) => `${e.kind}@${e.target}`);
    const usage = k6Usage.latest();
    progress.k6CpuCores = usage?.cpuCores ?? null;
    progress.machineBusyCores = usage?.machineBusyCores ?? null;
  }, 250);

  const k6 = startK6(d.k6Path, d.scenarioFile, d.k6Env, d.files);
  if (k6.child.pid !== undefined) k6Usage.start(k6.child.pid);
  const stopK6 = () => void k6.stop("SIGINT", 5000);
  d.interrupt.addEventListener("abort", stopK6);
  if (d.interrupt.aborted) stopK6(); // interrupted before k6 started (population, backlog)
  const startWatch = setTimeout(() => progress.startedAt === null && stopK6(), K6_START_TIMEOUT_MS);
  tail.start();
  printer.start();
  sampler.start();
  serverUsage.start();
  let relaySamples: RelaySample[] = [];
  let serverSamples: ServerUsageSample[] = [];
  let usageSamples: ProcessUsageSample[] = [];
  try {
    await k6.exited;
  } finally {
    usageSamples = k6Usage.stop();
    d.interrupt.removeEventListener("abort", stopK6);
    clearTimeout(startWatch);
    cancelEndWatch();
    clearInterval(faultNames);
    await timeline.healAll();
    await d.env.resetNetwork().catch((e: Error) => d.log(`[${d.name}] resetting the network failed: ${e.message}`));
    relaySamples = await sampler.stop();
    serverSamples = await serverUsage.stop();
    tail.stop();
    printer.stop();
  }
  const k6ExitCode = k6.child.exitCode;
  let error: string | undefined;
  if (!d.interrupt.aborted && progress.startedAt === null) error = `k6 produced no start record within ${K6_START_TIMEOUT_MS} ms (exit code ${k6ExitCode}); last lines of ${d.files.log}:\n${tailOf(d.files.log)}`;
  else if (overrun) error = describeOverrun(overrun);
  else if (!d.interrupt.aborted && k6ExitCode !== 0 && k6ExitCode !== 99) error = `k6 exited with code ${k6ExitCode}; last lines of ${d.files.log}:\n${tailOf(d.files.log)}`;
  const serverFigures = serverUsageFigures(serverSamples, { readingsDown: serverUsage.readingsDown, error: serverUsage.error });
  return { events, faults, relaySamples, k6Usage: usageSamples, serverUsage: serverSamples, serverUsageFigures: serverFigures, startedAt: progress.startedAt, k6ExitCode, ...(error ? { error } : {}) };
}

function tailOf(file: string, lines = 15): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
