// One scenario from start to figures: population (and backlog), k6 on the scenario file with the
// fault timeline, then the recorded data on disk, the figures and the checks.
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import { runMessageCheckers } from "../analysis/checkers/all-checkers.ts";
import { faultWindows } from "../analysis/fault-windows.ts";
import { generatorSaturation, lagRecords, type GeneratorSaturation } from "../analysis/generator-saturation.ts";
import type { CheckResult } from "../checks/check-result.ts";
import { privacyCheck, type PrivacyCheckInput } from "../checks/privacy-check.ts";
import type { RelayControl } from "../environments/environment.ts";
import type { TappedEnvironment } from "../environments/tap-paths.ts";
import { generatePopulation, writePopulationFile } from "../load/population.ts";
import { preloadBacklog, type BacklogFigures } from "../load/preload-backlog.ts";
import { preloadXmppBacklog } from "../load/preload-xmpp-backlog.ts";
import { k6Files } from "../load/run-k6.ts";
import { writeJsonLines } from "../record/json-lines.ts";
import { sessionsUpAt } from "../record/message-predicates.ts";
import { buildMessageRecords } from "../record/message-records.ts";
import { readRelayRecord, relaySays } from "../record/relay-journal.ts";
import { relayPeaks, type RelayPeaks } from "../record/relay-metrics-sampler.ts";
import type { ServerUsageFigures } from "../record/server-usage-sampler.ts";
import { relayStartups, type RelayStartup } from "../record/relay-startups.ts";
import { scenarioFigures, type ScenarioFigures } from "../analysis/scenario-figures.ts";
import type { LoadShape, ScenarioPlan } from "../suites/scenario-plan.ts";
import type { FaultRecord } from "../timeline/fault-timeline.ts";
import type { TimelineEntry } from "../timeline/timeline-entry.ts";
import { driveLoad } from "./drive-load.ts";
import { toK6Env, type RunWiring } from "../../scenarios/lib/scenario-settings.ts";
import { registerPopulation } from "../load/register-population.ts";
import type { AbortingThreshold } from "../verdict/k6-thresholds.ts";
import { TARGET_PROTOCOL, XMPP_DOMAIN, type TargetIdentity } from "../targets/target.ts";

/** one-time prekeys each user publishes: only a pair without an earlier session uses one (X3DH) */
const ONE_TIME_PREKEYS = 5;
/** populations at least this big print progress lines while they are generated (about 10 s of work on 2 cores) */
const PROGRESS_FROM_USERS = 10_000;

export interface ScenarioResult {
  name: string;
  scenario: string;
  status: "completed" | "interrupted" | "failed";
  error?: string;
  /** the server under test and its version */
  target: TargetIdentity;
  load: LoadShape;
  startedAt: number | null;
  endedAt: number;
  k6ExitCode: number | null;
  /** false when k6 reported a failed threshold (exit code 99) */
  thresholdsPassed: boolean;
  timeline: TimelineEntry[];
  faults: FaultRecord[];
  figures: ScenarioFigures;
  relay: { peaks: RelayPeaks; startups: RelayStartup[]; backlog: BacklogFigures | null };
  /** the server under test's own CPU and memory, whatever the target (/proc of its process group, or its container's stats) */
  server: { usage: ServerUsageFigures };
  /** the saturation guard: seconds in which k6 itself could not keep up (timer lag, CPU) */
  generator: GeneratorSaturation;
  checks: CheckResult[];
  /** files of this scenario, relative to the run folder */
  files: Record<string, string>;
}

export interface ScenarioContext {
  runId: string;
  runDir: string;
  k6Path: string;
  env: TappedEnvironment;
  interrupt: AbortSignal;
  tls: boolean;
  /** also write k6's raw metric points (--out json) */
  k6RawMetrics: boolean;
  /** k6 thresholds from the run's SLO objectives marked abortOnFail (verdict/k6-thresholds.ts), beside the scenario's own */
  k6Thresholds?: Record<string, AbortingThreshold[]>;
  log: (line: string) => void;
}

export async function runScenario(plan: ScenarioPlan, load: LoadShape, ctx: ScenarioContext): Promise<ScenarioResult> {
  const dir = join(ctx.runDir, plan.name);
  mkdirSync(dir, { recursive: true });
  ctx.log(`[${plan.name}] generating ${load.users} users (identities, prekeys, social graph, seed ${load.seed})`);
  const population = await generatePopulation({
    users: load.users, seed: load.seed, contactsPerUser: load.contacts, oneTimePrekeys: ONE_TIME_PREKEYS, signal: ctx.interrupt,
    ...(load.users >= PROGRESS_FROM_USERS ? { onProgress: generationProgress(plan.name, ctx.log) } : {}),
  });
  const populationFile = join(dir, "population.json");
  await writePopulationFile(populationFile, population, ctx.interrupt);
  const target = ctx.env.target;
  const protocol = TARGET_PROTOCOL[target.name];
  const backlog = load.backlog === 0 ? null
    : protocol === "xmpp" ? await preloadXmppBacklog(ctx.env.paths[0].url, XMPP_DOMAIN, load.backlog, ctx.log, { signal: ctx.interrupt })
    : await preloadBacklog(ctx.env.paths[0].url, load.backlog, ctx.log);
  const protocolWiring: Partial<RunWiring> = { protocol };
  if (protocol === "xmpp") {
    const accounts = await registerPopulation({ name: plan.name, url: ctx.env.paths[0].url, domain: XMPP_DOMAIN, server: target.name, population, log: ctx.log });
    Object.assign(protocolWiring, { xmppDomain: XMPP_DOMAIN, xmppSecret: accounts.secret });
  }

  const files = k6Files(dir, ctx.k6RawMetrics);
  const driven = await driveLoad({
    name: plan.name, k6Path: ctx.k6Path, scenarioFile: plan.file, files, timeline: plan.timeline, env: ctx.env, users: load.users,
    totalS: load.warmupS + load.durationS + load.drainS, interrupt: ctx.interrupt, log: ctx.log,
    k6Env: toK6Env(load, {
      runId: ctx.runId, populationFile, endpoints: ctx.env.paths.map((p) => `${p.name}=${p.url}`).join(","), directEndpoints: String(ctx.env.paths.filter((p) => p.kind === "direct").length), ...(ctx.tls ? { tlsInsecure: "1" } : {}),
      ...protocolWiring,
      ...(ctx.k6Thresholds && Object.keys(ctx.k6Thresholds).length ? { thresholds: JSON.stringify(ctx.k6Thresholds) } : {}),
    }),
  });

  const { events, faults } = driven;
  ctx.log(`[${plan.name}] k6 finished: analysing ${events.length} records`);
  const records = buildMessageRecords(events);
  const started = driven.startedAt ?? Date.now();
  const sendingWindow = { from: started + load.warmupS * 1000, to: started + (load.warmupS + load.durationS) * 1000 };
  const figures = scenarioFigures({ records, events, faults, timeline: plan.timeline, sendingWindow, users: load.users, band: plan.recovery });
  const generator = generatorSaturation({
    lag: lagRecords(events), cpu: driven.k6Usage, machineCores: availableParallelism(), origin: driven.startedAt,
    measuredWindow: { from: sendingWindow.from, to: sendingWindow.to + load.drainS * 1000 }, delivered: figures.messages.delivered,
  });
  const relayLogs = await ctx.env.relay.logs();
  const relayRecord = await readRelayRecord(ctx.env.relay);
  const metricsText = await ctx.env.relay.metrics().catch(() => "");
  await ctx.env.flushCaptures();
  const checks = [load.cryptoMode === "opaque"
    ? { name: "privacy", status: "unknown" as const, details: { notApplicable: "crypto mode opaque sends random bytes, no plaintext or ciphertext to check" } }
    : await privacyCheck({ runId: ctx.runId, population, captures: ctx.env.captures(), ...(await serverAtRest(ctx.env.relay, relayLogs, [{ name: "relay /metrics", text: metricsText }])) })];
  const messageChecks = await runMessageCheckers({
    records, windows: faultWindows(faults, plan.recovery.settleMs, sendingWindow.to), lateMs: plan.recovery.lateMs,
    setupEnd: Math.max(sendingWindow.from, sessionsUpAt(records) ?? 0), cryptoMode: load.cryptoMode, atMostOnce: plan.delivery === "at-most-once",
    relaySays: (r) => relaySays(relayRecord, population.members[r.from]?.userId ?? "", r.id), relayRecordMissing: relayRecord.available ? null : relayRecord.why,
    generatorSaturated: generator.spans,
  }, join(plan.name, "checks.json"));
  checks.push(...messageChecks.results);
  writeFileSync(join(dir, "checks.json"), JSON.stringify(messageChecks.flagged));

  writeJsonLines(join(dir, "faults.jsonl"), faults);
  writeJsonLines(join(dir, "messages.jsonl"), records);
  writeJsonLines(join(dir, "events.jsonl"), mergeByTime(events, faults));
  writeJsonLines(join(dir, "relay-metrics.jsonl"), driven.relaySamples);
  writeJsonLines(join(dir, "generator.jsonl"), driven.k6Usage);
  writeJsonLines(join(dir, "server-usage.jsonl"), driven.serverUsage);
  const relative = (f: string) => join(plan.name, f);
  const error = [backlog?.refused ? `backlog of ${load.backlog} messages: ${backlog.refused}; the scenario ran with ${backlog.messages} stored` : null, driven.error].filter(Boolean).join("; ");
  return {
    name: plan.name, scenario: plan.scenario, target,
    status: ctx.interrupt.aborted ? "interrupted" : error ? "failed" : "completed", ...(error ? { error } : {}),
    load, startedAt: driven.startedAt, endedAt: Date.now(), k6ExitCode: driven.k6ExitCode, thresholdsPassed: driven.k6ExitCode === 0,
    timeline: plan.timeline, faults, figures,
    relay: { peaks: relayPeaks(driven.relaySamples), startups: relayStartups(relayLogs), backlog },
    server: { usage: driven.serverUsageFigures },
    generator,
    checks,
    files: {
      events: relative("events.jsonl"), messages: relative("messages.jsonl"), faults: relative("faults.jsonl"), population: relative("population.json"),
      relayMetrics: relative("relay-metrics.jsonl"), checks: relative("checks.json"), generator: relative("generator.jsonl"), serverUsage: relative("server-usage.jsonl"), captures: relative("captures"),
      ...(files.metrics ? { k6Metrics: relative("k6-metrics.jsonl") } : {}), k6Console: relative("k6-console.jsonl"), k6Summary: relative("k6-summary.json"), k6Log: relative("k6.log"),
    },
  };
}

/**
 * What the server keeps at rest and wrote, for the privacy check: its data directory's files and its
 * logs (the log among them: it is not scanned a second time as text). When they cannot be read, its
 * log as text, and the reason (the check is then unknown unless it finds something).
 */
async function serverAtRest(relay: RelayControl, relayLogs: string, extraTexts: { name: string; text: string }[]): Promise<Pick<PrivacyCheckInput, "storedFiles" | "storedFilesError" | "extraTexts">> {
  try {
    return { storedFiles: await relay.storedFiles(), extraTexts };
  } catch (error) {
    return { storedFilesError: (error as Error).message, extraTexts: [{ name: "relay log", text: relayLogs }, ...extraTexts] };
  }
}

/** Client records and fault records in one log, ordered by time (faults by the time they took effect). */
function mergeByTime(events: ClientEvent[], faults: FaultRecord[]): object[] {
  const all: { t: number; record: object }[] = [
    ...events.map((e) => ({ t: e.t, record: e })),
    ...faults.map((f) => ({ t: f.appliedAt, record: { ev: `fault_${f.event}`, ...f, t: f.appliedAt } })),
  ];
  return all.sort((a, b) => a.t - b.t).map((x) => x.record);
}

/** "[steady]   generating users: 12,000/60,000 (20%), 4.1 s, about 16 s left": every 10% or 10 s, and at the end. */
function generationProgress(name: string, log: (line: string) => void): (done: number, total: number) => void {
  const started = Date.now();
  let lastAt = 0;
  let lastShare = 0;
  return (done, total) => {
    const now = Date.now();
    const share = done / total;
    if (done < total && share - lastShare < 0.1 && now - lastAt < 10_000) return;
    lastAt = now;
    lastShare = share;
    const seconds = (now - started) / 1000;
    // workers take about a second to start: the pace is known once some users are done
    const left = share >= 0.05 && done < total ? `, about ${Math.ceil((seconds / done) * (total - done))} s left` : "";
    log(`[${name}]   generating users: ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} (${Math.floor(share * 100)}%), ${seconds.toFixed(1)} s${left}`);
  };
}
