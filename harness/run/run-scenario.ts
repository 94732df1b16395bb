// One scenario from start to result: prepare it (population, backlog), drive k6 on the scenario
// file with the fault timeline, read what the server recorded, analyse, write the recorded data,
// and return the scenario's entry of summary.json.
import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { toK6Env } from "../../scenarios/lib/scenario-settings.ts";
import { readDroppedIterations } from "../analysis/surge/dropped-arrivals.ts";
import { privacyCheck, privacyNotApplicable } from "../checks/privacy-check.ts";
import type { TappedEnvironment } from "../environments/tap-paths.ts";
import { k6InstanceFiles } from "../load/run-k6.ts";
import { withInstanceFiles } from "../load/segments/instance-files.ts";
import { loadInstances } from "../load/segments/load-instances.ts";
import { relayPeaks } from "../record/relay-metrics-sampler.ts";
import { relayStartups } from "../record/relay-startups.ts";
import type { ScenarioResult } from "../report/summary/scenario-result-schema.ts";
import type { LoadShape, ScenarioPlan } from "../suites/scenario-plan.ts";
import type { AbortingThreshold } from "../verdict/k6-thresholds.ts";
import { analyseScenario } from "./analyse-scenario.ts";
import { driveLoad } from "./drive-load.ts";
import { prepareScenario } from "./prepare-scenario.ts";
import { readServerRecord, serverAtRest } from "./server-record.ts";
import { writeScenarioFiles } from "./write-scenario-files.ts";

export type { ScenarioResult };

export interface ScenarioContext {
  runId: string;
  runDir: string;
  k6Path: string;
  env: TappedEnvironment;
  interrupt: AbortSignal;
  tls: boolean;
  /** also write k6's raw metric points (--out json) */
  k6RawMetrics: boolean;
  /** k6 instances started as the k6-operator's runners (--segments; default 1) */
  segments?: number;
  /** k6 thresholds from the run's SLO objectives marked abortOnFail (verdict/k6-thresholds.ts), beside the scenario's own */
  k6Thresholds?: Record<string, AbortingThreshold[]>;
  log: (line: string) => void;
}

export async function runScenario(plan: ScenarioPlan, load: LoadShape, ctx: ScenarioContext): Promise<ScenarioResult> {
  const dir = join(ctx.runDir, plan.name);
  mkdirSync(dir, { recursive: true });
  const { population, populationFile, backlog, protocolWiring } = await prepareScenario(plan.name, dir, load, ctx.env, ctx.interrupt, ctx.log);

  const files = k6InstanceFiles(dir, ctx.k6RawMetrics, ctx.segments ?? 1, plan.scenario === "surge");
  const driven = await driveLoad({
    name: plan.name, k6Path: ctx.k6Path, scenarioFile: plan.file, files, timeline: plan.timeline, env: ctx.env, users: load.users,
    totalS: load.warmupS + load.durationS + load.drainS, interrupt: ctx.interrupt, log: ctx.log,
    k6Env: toK6Env(load, {
      runId: ctx.runId, populationFile, endpoints: ctx.env.paths.map((p) => `${p.name}=${p.url}`).join(","), directEndpoints: String(ctx.env.paths.filter((p) => p.kind === "direct").length), ...(ctx.tls ? { tlsInsecure: "1" } : {}),
      ...protocolWiring,
      ...(ctx.k6Thresholds && Object.keys(ctx.k6Thresholds).length ? { thresholds: JSON.stringify(ctx.k6Thresholds) } : {}),
    }),
  });

  ctx.log(`[${plan.name}] k6 finished: analysing ${driven.events.length} records`);
  const server = await readServerRecord(ctx.env.relay);
  await ctx.env.flushCaptures();
  const privacy = privacyNotApplicable(load.cryptoMode)
    ?? await privacyCheck({ runId: ctx.runId, population, captures: ctx.env.captures(), ...serverAtRest(ctx.env.relay, server) });
  const { records, figures, generator, messageChecks } = await analyseScenario({ plan, load, driven, population, journal: server.journal, idsFile: join(plan.name, "checks.json"), serverFiles: () => ctx.env.relay.storedFiles(),
    droppedIterations: plan.scenario === "surge" ? readDroppedIterations(files) : null });
  const written = writeScenarioFiles(ctx.runDir, plan.name, { driven, records, flagged: messageChecks.flagged, k6Files: files[0] });

  const error = [backlog?.refused ? `backlog of ${load.backlog} messages: ${backlog.refused}; the scenario ran with ${backlog.messages} stored` : null, driven.error].filter(Boolean).join("; ");
  return {
    name: plan.name, scenario: plan.scenario, target: ctx.env.target,
    status: ctx.interrupt.aborted ? "interrupted" : error ? "failed" : "completed", ...(error ? { error } : {}),
    load: files.length === 1 ? load : { ...load, instances: loadInstances(driven.instances, driven.clock, { ...load, startedAt: driven.startedAt, machineCores: availableParallelism(), delivered: figures.messages.delivered }) },
    startedAt: driven.startedAt, endedAt: Date.now(), k6ExitCode: driven.k6ExitCode, thresholdsPassed: driven.k6ExitCode === 0,
    timeline: plan.timeline, faults: driven.faults, figures,
    relay: { peaks: relayPeaks(driven.relaySamples), startups: relayStartups(server.logs), backlog },
    server: { usage: driven.serverUsageFigures },
    generator,
    checks: [privacy, ...messageChecks.results],
    files: withInstanceFiles(written, files, ctx.runDir),
  };
}
