// One bench measurement: `npm run chaos` (the real CLI, real k6, local environment) on a suite of
// one fault-free scenario against one target (the reference relay, Prosody or ejabberd), and the
// figures of its sending window read back from the run folder: delivery, k6's CPU, the server's own
// CPU and memory (its server-usage.jsonl), where the machine's CPU went, and what the harness spent
// after k6's last record (with `--segments`, merging the instances' records is in it).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { serverUsageFigures, type ServerUsageSample } from "../harness/record/server-usage-sampler.ts";
import { DEFAULT_TARGET, type TargetName } from "../harness/targets/target.ts";
import type { CryptoMode } from "../scenarios/lib/scenario-settings.ts";
import { MachineShareSampler, type MachineShare } from "./machine-share.ts";
import { percentile } from "./proc-stats.ts";

export interface BenchLoad {
  users: number;
  rate: number;
  crypto: CryptoMode;
  durationS: number;
  warmupS: number;
  drainS?: number;
  /** the server under test; default the reference relay */
  target?: TargetName;
  /** k6 instances (`npm run chaos -- --segments N`); default 1 */
  segments?: number;
}

/**
 * From k6's last record (the latest `t` in the merged events.jsonl) to the scenario's result
 * (summary.json's `endedAt`): k6's exit, reading the records (with several instances, merging them
 * into one log), the analysis and checks. null: not measured, with why in `note`.
 */
export interface AfterLoad {
  seconds: number | null;
  /** the harness process's own CPU in that time (/proc, read every 0.5 s and interpolated) */
  harnessCpuSeconds: number | null;
  /** records in the event log */
  records: number;
  note: string | null;
}

/** The server's own CPU and memory over the window (from the run's server-usage.jsonl); null: not measured, with why in `note`. */
export interface ServerWindow {
  target: TargetName;
  /** the server's version as the run's summary names it; null: it never started */
  version: string | null;
  /** mean CPU over the window's one-second samples, cores */
  cpuCores: number | null;
  /** highest one-second CPU in the window, cores */
  cpuCoresPeak: number | null;
  /** highest resident memory in the window, MB */
  rssMbPeak: number | null;
  samples: number;
  note: string | null;
}

export interface WindowFigures {
  load: BenchLoad;
  runDir: string;
  exitCode: number | null;
  /** messages sent in the window (after warm-up and 2 s of settling, to the end of sending) */
  sent: number;
  delivered: number;
  deliveredPerS: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** k6's CPU in the window, per delivered message and in cores */
  k6CpuUsPerMsg: number | null;
  k6Cores: number | null;
  k6PeakRssMb: number | null;
  usersConnected: number;
  generatorSaturated: boolean;
  saturationReason: string | null;
  /** cores each process of the run used in the window: k6, the server under test, Toxiproxy, the harness */
  machine: MachineShare | null;
  /** the whole machine's busy cores in the window (the run's own generator.jsonl, /proc/stat): this run and any other work on the machine */
  machineBusyCores: number | null;
  /** the server under test's own CPU and memory in the window, for every target */
  server: ServerWindow;
  afterLoad: AfterLoad;
}

const SETTLE_MS = 2000;

export async function chaosRun(load: BenchLoad, benchDir: string, log: (line: string) => void): Promise<WindowFigures> {
  mkdirSync(benchDir, { recursive: true });
  const target = load.target ?? DEFAULT_TARGET;
  const segments = load.segments ?? 1;
  const suiteFile = join(benchDir, `suite-${target}-${load.crypto}-${load.users}-${load.rate}${segments > 1 ? `-segments${segments}` : ""}.json`);
  writeFileSync(suiteFile, JSON.stringify({
    name: `bench-${target}-${load.crypto}`, description: `bench: steady traffic against ${target}, no faults`,
    scenarios: [{
      scenario: "steady", target, users: load.users, rate: load.rate, crypto: load.crypto, warmup: `${load.warmupS}s`, duration: `${load.durationS}s`, drain: `${load.drainS ?? 5}s`,
      // the reference relay's rate limits, lifted (an XMPP target has its own limits raised in its template)
      ...(target === "relay" ? { relay: { RELAY_RATE_PER_SEC: 100000, RELAY_RATE_BURST: 100000 } } : {}),
    }],
  }));
  const reports = join(benchDir, "runs");
  const args = ["--import", "tsx", "harness/cli/main.ts", "--suite", suiteFile, "--env", "local", "--reports", reports, ...(segments > 1 ? ["--segments", String(segments)] : [])];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const sampler = new MachineShareSampler(child.pid!);
  let tail = "";
  const exitCode = await new Promise<number | null>((done) => {
    const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4000));
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("exit", (code) => {
      if (code !== 0 && code !== 1) log(`  chaos run exited ${code}:\n${tail}`);
      done(code);
    });
  });
  sampler.stop();
  // 0 and 1 are runs with a verdict (1: the gate failed, as a saturated step does); any other code
  // left no run folder of its own, and `latest` would be an earlier run's
  if (exitCode !== 0 && exitCode !== 1) {
    const last = tail.split("\n").map((l) => l.trim()).filter(Boolean).at(-1) ?? "no output";
    throw new ChaosRunError(`npm run chaos (${target}, ${load.rate} msgs/s${segments > 1 ? `, --segments ${segments}` : ""}) exited ${exitCode} without a verdict: ${last}`);
  }
  // the run's own folder, not `latest` (which the next step moves on)
  return windowFigures(load, realpathSync(resolve(reports, "latest")), exitCode, sampler);
}

/** A step's `npm run chaos` ended without a verdict (exit code other than 0 and 1): no figures. */
export class ChaosRunError extends Error {}

export function windowFigures(load: BenchLoad, runDir: string, exitCode: number | null, sampler: MachineShareSampler | null = null): WindowFigures {
  const summary = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8"));
  const scenario = summary.scenarios[0];
  const from = scenario.startedAt + load.warmupS * 1000 + SETTLE_MS;
  const to = scenario.startedAt + (load.warmupS + load.durationS) * 1000;
  const seconds = (to - from) / 1000;
  const lines = (file: string) => readFileSync(join(runDir, scenario.name, file), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const messages = lines("messages.jsonl").filter((m) => m.sentAt >= from && m.sentAt < to);
  const latencies = messages.filter((m) => m.deliveries.length > 0).map((m) => m.deliveries[0] - m.sentAt).sort((a, b) => a - b);
  const pct = (p: number) => (latencies.length ? percentile(latencies, p) : null);
  const samples = lines("generator.jsonl").filter((s) => s.t > from && s.t <= to);
  const cpuSeconds = samples.reduce((n, s) => n + (s.cpuCores * s.intervalMs) / 1000, 0);
  const generator = scenario.generator ?? {};
  const span = (generator.spans ?? []).find((s: { from: number; to: number }) => s.to >= from && s.from <= to);
  const events = eventFacts(join(runDir, scenario.name, "events.jsonl"));
  return {
    load, runDir, exitCode,
    sent: messages.length, delivered: latencies.length, deliveredPerS: Math.round(latencies.length / seconds),
    p50Ms: pct(50), p99Ms: pct(99),
    k6CpuUsPerMsg: samples.length && latencies.length ? Math.round((cpuSeconds / latencies.length) * 1e6) : null,
    k6Cores: samples.length ? Math.round((cpuSeconds / seconds) * 100) / 100 : null,
    k6PeakRssMb: generator.peakRssMb ?? null,
    usersConnected: events.connected,
    generatorSaturated: Boolean(span),
    saturationReason: span ? span.reason : null,
    machine: sampler ? sampler.share(from, to) : null,
    machineBusyCores: mean(samples.map((s) => s.machineBusyCores).filter((v): v is number => typeof v === "number")),
    server: serverWindow(scenario, join(runDir, scenario.name, "server-usage.jsonl"), { from, to }, load.target ?? DEFAULT_TARGET),
    afterLoad: afterLoad(events, scenario.endedAt, sampler),
  };
}

function afterLoad(events: EventFacts, endedAt: unknown, sampler: MachineShareSampler | null): AfterLoad {
  const { records, lastT } = events;
  if (typeof endedAt !== "number") return { seconds: null, harnessCpuSeconds: null, records, note: "summary.json's scenario has no endedAt" };
  if (lastT === null || lastT > endedAt) return { seconds: null, harnessCpuSeconds: null, records, note: "events.jsonl has no record before the scenario's end" };
  const seconds = (endedAt - lastT) / 1000;
  const cpu = sampler?.rootCpuSeconds(lastT, endedAt) ?? null;
  return {
    seconds: Math.round(seconds * 100) / 100, harnessCpuSeconds: cpu, records,
    note: sampler ? (cpu === null ? "the process sampler has no reading in that time" : null) : "no process sampler (figures read back from a run folder)",
  };
}

/** The server's mean and peak CPU and peak memory over the samples whose interval ends in the window. */
function serverWindow(scenario: { target?: { name: TargetName; version: string | null } }, file: string, window: { from: number; to: number }, asked: TargetName): ServerWindow {
  const samples: ServerUsageSample[] = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
  const figures = serverUsageFigures(samples, { window });
  return {
    target: scenario.target?.name ?? asked, version: scenario.target?.version ?? null,
    cpuCores: figures.cpuCoresMean, cpuCoresPeak: figures.cpuCoresPeak, rssMbPeak: figures.rssMbPeak, samples: figures.samples,
    note: existsSync(file) ? figures.note : "the run has no server-usage.jsonl",
  };
}

const mean = (values: number[]): number | null => (values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100 : null);

interface EventFacts {
  /** users connected when the VUs reported their final tallies (the sum over VUs) */
  connected: number;
  records: number;
  /** the latest record's time; null: no record */
  lastT: number | null;
}

function eventFacts(eventsFile: string): EventFacts {
  const facts: EventFacts = { connected: 0, records: 0, lastT: null };
  for (const line of readFileSync(eventsFile, "utf8").split("\n")) {
    if (!line) continue;
    facts.records++;
    const t = Number(/"t":\s*(\d+)/.exec(line)?.[1]);
    if (Number.isFinite(t) && (facts.lastT === null || t > facts.lastT)) facts.lastT = t;
    if (line.includes('"ev":"tally"')) facts.connected += JSON.parse(line).connected as number;
  }
  return facts;
}
