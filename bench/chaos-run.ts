// One bench measurement: `npm run chaos` (the real CLI, real k6, local environment) on a suite of
// one fault-free scenario, and the figures of its sending window read back from the run folder.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
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
  /** cores each process of the run used in the window: k6, the relay, Toxiproxy, the harness */
  machine: MachineShare | null;
}

const SETTLE_MS = 2000;

export async function chaosRun(load: BenchLoad, benchDir: string, log: (line: string) => void): Promise<WindowFigures> {
  mkdirSync(benchDir, { recursive: true });
  const suiteFile = join(benchDir, `suite-${load.crypto}-${load.users}-${load.rate}.json`);
  writeFileSync(suiteFile, JSON.stringify({
    name: `bench-${load.crypto}`, description: "bench: steady traffic, no faults",
    scenarios: [{ scenario: "steady", users: load.users, rate: load.rate, crypto: load.crypto, warmup: `${load.warmupS}s`, duration: `${load.durationS}s`, drain: `${load.drainS ?? 5}s`, relay: { RELAY_RATE_PER_SEC: 100000, RELAY_RATE_BURST: 100000 } }],
  }));
  const reports = join(benchDir, "runs");
  const child = spawn(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "--suite", suiteFile, "--env", "local", "--reports", reports], { stdio: ["ignore", "pipe", "pipe"] });
  const sampler = new MachineShareSampler(child.pid!);
  const exitCode = await new Promise<number | null>((done) => {
    let tail = "";
    const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4000));
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("exit", (code) => {
      if (code !== 0 && code !== 1) log(`  chaos run exited ${code}:\n${tail}`);
      done(code);
    });
  });
  sampler.stop();
  return windowFigures(load, resolve(reports, "latest"), exitCode, sampler);
}

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
  return {
    load, runDir, exitCode,
    sent: messages.length, delivered: latencies.length, deliveredPerS: Math.round(latencies.length / seconds),
    p50Ms: pct(50), p99Ms: pct(99),
    k6CpuUsPerMsg: samples.length && latencies.length ? Math.round((cpuSeconds / latencies.length) * 1e6) : null,
    k6Cores: samples.length ? Math.round((cpuSeconds / seconds) * 100) / 100 : null,
    k6PeakRssMb: generator.peakRssMb ?? null,
    usersConnected: connectedAtEnd(join(runDir, scenario.name, "events.jsonl")),
    generatorSaturated: Boolean(span),
    saturationReason: span ? span.reason : null,
    machine: sampler ? sampler.share(from, to) : null,
  };
}

/** Users connected when the VUs reported their final tallies (the sum over VUs). */
function connectedAtEnd(eventsFile: string): number {
  return readFileSync(eventsFile, "utf8").split("\n").filter((l) => l.includes('"ev":"tally"')).reduce((n, l) => n + (JSON.parse(l).connected as number), 0);
}
