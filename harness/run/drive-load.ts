// Runs k6 on a scenario while the fault timeline runs on the load's clock, with live progress,
// relay metrics sampling and the server's own CPU and memory (every target); returns what was
// recorded. Everything is healed in `finally`. With several k6 instances (--segments) they start
// as the k6-operator starts its runners, and their records come back as one merged event log.
import { readFileSync } from "node:fs";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import type { Environment } from "../environments/environment.ts";
import { restoreNetwork } from "../environments/network-leftovers.ts";
import { describeOverrun, watchK6End, type K6Overrun } from "../load/k6-end-watch.ts";
import { startK6, type K6Files } from "../load/run-k6.ts";
import { clockCorrections, clockOf, type MergedClock } from "../load/segments/clock-correction.ts";
import { combinedExitCode, combinedUsage } from "../load/segments/instance-outcome.ts";
import type { InstanceRun } from "../load/segments/load-instances.ts";
import { InstanceStopper } from "../load/segments/instance-stop.ts";
import { mergeInstanceEvents } from "../load/segments/merge-instances.ts";
import { freePort, startWhenAllAnswer } from "../load/segments/runner-start.ts";
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
  /** one per k6 instance (k6InstanceFiles): more than one starts them as the k6-operator's runners */
  files: K6Files[];
  timeline: TimelineEntry[];
  env: Environment;
  users: number;
  totalS: number;
  interrupt: AbortSignal;
  log: (line: string) => void;
}

export interface DrivenLoad {
  /** every instance's records, merged in time order on one clock */
  events: ClientEvent[];
  /** each k6 instance's own outcome (one entry without --segments) */
  instances: InstanceRun[];
  /** how the instances' clocks were put on one */
  clock: MergedClock;
  faults: FaultRecord[];
  relaySamples: RelaySample[];
  /** k6's own CPU and memory, once a second, every instance summed (the saturation guard's input) */
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
  const count = d.files.length;
  const perInstance: ClientEvent[][] = d.files.map(() => []);
  const faults: FaultRecord[] = [];
  const stats = new LiveStats();
  const timeline = new FaultTimeline(d.timeline, d.env, (record) => {
    faults.push(record);
    if (!record.ok) d.log(`[${d.name}] ${record.event} of timeline[${record.entry}] (${record.kind}) failed: ${record.error}`);
  });
  let cancelEndWatch = () => {};
  let overrun: K6Overrun | null = null;
  const progress: ProgressState = { scenario: d.name, startedAt: null, totalS: d.totalS, activeFaults: [], users: d.users, stats };
  const tails = d.files.map((files, instance) => new ClientEventTail(files.console, (event) => {
    perInstance[instance].push(event);
    stats.add(event);
    if (event.ev === "start" && progress.startedAt === null) {
      progress.startedAt = event.t;
      timeline.start(event.t);
      cancelEndWatch = watchK6End(runners[0].child.pid, event.t + d.totalS * 1000, (o) => {
        overrun = o;
        d.log(`[${d.name}] ${describeOverrun(o)}`);
        stopper.stopAll(`[${d.name}] k6 overran its planned end`);
      });
    }
  }));
  const printer = new ProgressPrinter(progress);
  const sampler = new RelayMetricsSampler(d.env.relay);
  const k6Usage = d.files.map(() => new ProcessUsageSampler());
  const serverUsage = new ServerUsageSampler(() => d.env.relay.usage());
  const faultNames = setInterval(() => {
    progress.activeFaults = timeline.active().map((e) => `${e.kind}@${e.target}`);
    const usage = combinedUsage(k6Usage.map((u) => { const l = u.latest(); return l ? [l] : []; }))[0];
    progress.k6CpuCores = usage?.cpuCores ?? null;
    progress.machineBusyCores = usage?.machineBusyCores ?? null;
  }, 250);

  const addresses = count === 1 ? [] : await Promise.all(d.files.map(async () => `127.0.0.1:${await freePort()}`));
  const runners = d.files.map((files, index) => startK6(d.k6Path, d.scenarioFile, d.k6Env, files, count === 1 ? undefined : { index, count, address: addresses[index] }));
  runners.forEach((k6, i) => k6.child.pid !== undefined && k6Usage[i].start(k6.child.pid));
  // each instance is stopped once (a second SIGINT makes k6 exit without its summary), with its own grace
  const stopper = new InstanceStopper(runners, d.log);
  // one instance ending with a failed threshold (abortOnFail) or a crash ends the others: one run
  runners.forEach((k6, i) => void k6.exited.then(() => {
    if (k6.child.exitCode !== 0) stopper.stopAll(`[${d.name}] k6 instance ${i} ended with ${k6.child.exitCode === null ? `signal ${k6.child.signalCode}` : `exit code ${k6.child.exitCode}`}`);
  }));
  const onInterrupt = () => stopper.stopAll(`[${d.name}] interrupted`);
  d.interrupt.addEventListener("abort", onInterrupt);
  if (d.interrupt.aborted) onInterrupt(); // interrupted before k6 started (population, backlog)
  const startWatch = setTimeout(() => progress.startedAt === null && stopper.stopAll(`[${d.name}] no start record within ${K6_START_TIMEOUT_MS} ms`), K6_START_TIMEOUT_MS);
  tails.forEach((t) => t.start());
  printer.start();
  sampler.start();
  serverUsage.start();
  let relaySamples: RelaySample[] = [];
  let serverSamples: ServerUsageSample[] = [];
  let usageSamples: ProcessUsageSample[][] = [];
  let startError: string | null = null;
  try {
    if (count > 1) {
      await startWhenAllAnswer(addresses, {
        timeoutMs: K6_START_TIMEOUT_MS, signal: d.interrupt,
        gone: () => { const i = runners.findIndex((r) => r.child.exitCode !== null || r.child.signalCode !== null); return i < 0 ? null : i; },
      }).catch((e: Error) => {
        if (!d.interrupt.aborted) startError = e.message;
        stopper.stopAll(`[${d.name}] ${e.message}`);
      });
    }
    await Promise.all(runners.map((k6) => k6.exited));
  } finally {
    usageSamples = k6Usage.map((u) => u.stop());
    d.interrupt.removeEventListener("abort", onInterrupt);
    clearTimeout(startWatch);
    cancelEndWatch();
    clearInterval(faultNames);
    await timeline.healAll();
    await restoreNetwork(d.env.network, (line) => d.log(`[${d.name}] ${line}`));
    relaySamples = await sampler.stop();
    serverSamples = await serverUsage.stop();
    tails.forEach((t) => t.stop());
    printer.stop();
  }
  const codes = runners.map((k6) => k6.child.exitCode);
  const k6ExitCode = combinedExitCode(codes);
  const instances: InstanceRun[] = runners.map((k6, index) => ({ index, pid: k6.child.pid ?? null, exitCode: codes[index], events: perInstance[index], usage: usageSamples[index] }));
  const clock = clockCorrections(perInstance.map(clockOf));
  const events = mergeInstanceEvents(perInstance, clock.corrections.map((c) => c.correctionMs));
  const logs = d.files.map((f) => f.log).join(", ");
  const lastLines = () => d.files.map((f) => `last lines of ${f.log}:\n${tailOf(f.log)}`).join("\n");
  let error: string | undefined;
  if (startError) error = `${startError}; ${lastLines()}`;
  else if (!d.interrupt.aborted && progress.startedAt === null) error = `k6 produced no start record within ${K6_START_TIMEOUT_MS} ms (exit code ${codes.join(", ")}); ${lastLines()}`;
  else if (overrun) error = describeOverrun(overrun);
  else if (!d.interrupt.aborted && k6ExitCode !== 0 && k6ExitCode !== 99) error = `k6 exited with code ${codes.join(", ")} (${logs}); ${lastLines()}`;
  const serverFigures = serverUsageFigures(serverSamples, { readingsDown: serverUsage.readingsDown, error: serverUsage.error });
  return {
    events, instances, clock, faults, relaySamples, k6Usage: combinedUsage(usageSamples), serverUsage: serverSamples, serverUsageFigures: serverFigures,
    startedAt: progress.startedAt, k6ExitCode, ...(error ? { error } : {}),
  };
}

function tailOf(file: string, lines = 15): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
