// One scenario from start to figures: population, k6 on the scenario file, the fault timeline on
// the load's clock, live progress, and the recorded data (events, messages, faults) on disk.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import type { Environment } from "../environments/environment.ts";
import { generatePopulation } from "../load/population.ts";
import { k6Files, startK6 } from "../load/run-k6.ts";
import { LiveStats } from "../progress/live-stats.ts";
import { ProgressPrinter, type ProgressState } from "../progress/progress-line.ts";
import { ClientEventTail } from "../record/client-event-tail.ts";
import { writeJsonLines } from "../record/json-lines.ts";
import { buildMessageRecords } from "../record/message-records.ts";
import { scenarioFigures, type ScenarioFigures } from "../report/scenario-figures.ts";
import type { LoadShape, ScenarioPlan } from "../suites/scenario-plan.ts";
import { FaultTimeline, type FaultRecord } from "../timeline/fault-timeline.ts";
import type { TimelineEntry } from "../timeline/timeline-entry.ts";

/** How long k6 may take from launch to its first record before the run is declared failed. */
const K6_START_TIMEOUT_MS = 120_000;
const ONE_TIME_PREKEYS = 20;

export interface ScenarioResult {
  name: string;
  scenario: string;
  status: "completed" | "interrupted" | "failed";
  error?: string;
  load: LoadShape;
  startedAt: number | null;
  endedAt: number;
  k6ExitCode: number | null;
  /** false when k6 reported a failed threshold (exit code 99) */
  thresholdsPassed: boolean;
  timeline: TimelineEntry[];
  faults: FaultRecord[];
  figures: ScenarioFigures;
  /** files of this scenario, relative to the run folder */
  files: Record<string, string>;
}

export interface ScenarioContext {
  runId: string;
  runDir: string;
  k6Path: string;
  env: Environment;
  interrupt: AbortSignal;
  tls: boolean;
  log: (line: string) => void;
}

export async function runScenario(plan: ScenarioPlan, load: LoadShape, ctx: ScenarioContext): Promise<ScenarioResult> {
  const dir = join(ctx.runDir, plan.name);
  mkdirSync(dir, { recursive: true });
  ctx.log(`[${plan.name}] generating ${load.users} users (identities, prekeys, social graph, seed ${load.seed})`);
  const population = await generatePopulation({ users: load.users, seed: load.seed, contactsPerUser: load.contacts, oneTimePrekeys: ONE_TIME_PREKEYS });
  const populationFile = join(dir, "population.json");
  writeFileSync(populationFile, JSON.stringify(population));

  const files = k6Files(dir);
  const events: ClientEvent[] = [];
  const faults: FaultRecord[] = [];
  const stats = new LiveStats();
  const timeline = new FaultTimeline(plan.timeline, ctx.env, (record) => {
    faults.push(record);
    if (!record.ok) ctx.log(`[${plan.name}] ${record.event} of timeline[${record.entry}] (${record.kind}) failed: ${record.error}`);
  });
  const progress: ProgressState = { scenario: plan.name, startedAt: null, totalS: load.warmupS + load.durationS + load.drainS, activeFaults: [], users: load.users, stats };
  const tail = new ClientEventTail(files.console, (event) => {
    events.push(event);
    stats.add(event);
    if (event.ev === "start" && progress.startedAt === null) {
      progress.startedAt = event.t;
      timeline.start(event.t);
    }
  });
  const printer = new ProgressPrinter(progress);
  const faultNames = setInterval(() => (progress.activeFaults = timeline.active().map((e) => `${e.kind}@${e.target}`)), 250);

  const k6 = startK6(ctx.k6Path, plan.file, {
    RUN_ID: ctx.runId, POPULATION: populationFile, ENDPOINTS: ctx.env.paths.map((p) => `${p.name}=${p.url}`).join(","),
    USERS: String(load.users), RATE: String(load.rate), WARMUP_S: String(load.warmupS), DURATION_S: String(load.durationS), DRAIN_S: String(load.drainS), SEED: String(load.seed),
    ...(ctx.tls ? { TLS_INSECURE: "1" } : {}),
    ...plan.k6Env,
  }, files);
  const stopK6 = () => void k6.stop("SIGINT", 5000);
  ctx.interrupt.addEventListener("abort", stopK6);
  const startWatch = setTimeout(() => progress.startedAt === null && stopK6(), K6_START_TIMEOUT_MS);
  tail.start();
  printer.start();
  let error: string | undefined;
  try {
    await k6.exited;
  } finally {
    ctx.interrupt.removeEventListener("abort", stopK6);
    clearTimeout(startWatch);
    clearInterval(faultNames);
    await timeline.healAll();
    await ctx.env.resetNetwork().catch((e: Error) => ctx.log(`[${plan.name}] resetting the network failed: ${e.message}`));
    tail.stop();
    printer.stop();
  }
  const k6ExitCode = k6.child.exitCode;
  if (progress.startedAt === null && !ctx.interrupt.aborted) error = `k6 produced no start record within ${K6_START_TIMEOUT_MS} ms (exit code ${k6ExitCode}); last lines of ${files.log}:\n${tailOf(files.log)}`;
  else if (k6ExitCode !== 0 && k6ExitCode !== 99 && !ctx.interrupt.aborted) error = `k6 exited with code ${k6ExitCode}; last lines of ${files.log}:\n${tailOf(files.log)}`;

  const records = buildMessageRecords(events);
  const started = progress.startedAt ?? Date.now();
  const sendingWindow = { from: started + load.warmupS * 1000, to: started + (load.warmupS + load.durationS) * 1000 };
  const figures = scenarioFigures({ records, events, faults, sendingWindow, users: load.users, band: plan.recovery });
  writeJsonLines(join(dir, "faults.jsonl"), faults);
  writeJsonLines(join(dir, "messages.jsonl"), records);
  writeJsonLines(join(dir, "events.jsonl"), mergeByTime(events, faults));
  const relative = (f: string) => join(plan.name, f);
  return {
    name: plan.name, scenario: plan.scenario,
    status: ctx.interrupt.aborted ? "interrupted" : error ? "failed" : "completed", ...(error ? { error } : {}),
    load, startedAt: progress.startedAt, endedAt: Date.now(), k6ExitCode, thresholdsPassed: k6ExitCode === 0,
    timeline: plan.timeline, faults, figures,
    files: {
      events: relative("events.jsonl"), messages: relative("messages.jsonl"), faults: relative("faults.jsonl"), population: relative("population.json"),
      k6Metrics: relative("k6-metrics.jsonl"), k6Console: relative("k6-console.jsonl"), k6Summary: relative("k6-summary.json"), k6Log: relative("k6.log"),
    },
  };
}

/** Client records and fault records in one log, ordered by time (faults by the time they took effect). */
function mergeByTime(events: ClientEvent[], faults: FaultRecord[]): object[] {
  const all: { t: number; record: object }[] = [
    ...events.map((e) => ({ t: e.t, record: e })),
    ...faults.map((f) => ({ t: f.appliedAt, record: { ev: `fault_${f.event}`, ...f, t: f.appliedAt } })),
  ];
  return all.sort((a, b) => a.t - b.t).map((x) => x.record);
}

function tailOf(file: string, lines = 15): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
