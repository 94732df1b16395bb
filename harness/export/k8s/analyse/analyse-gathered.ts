// `analyse DIR`: a gathered folder (gathered-folder.ts) turned into a run folder like a local
// run's: the runners' records merged as --segments merges them, then the same analysis
// (run/analyse-scenario.ts), the same recorded files (run/write-scenario-files.ts), summary.json,
// and the same verdict and pages (run/judge-run.ts). What the cluster does not give back is null
// or unknown with its reason (k6 CPU, relay /metrics, server usage, the privacy check's traffic).
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { privacyNotApplicable } from "../../../checks/privacy-check.ts";
import { k6InstanceFiles } from "../../../load/run-k6.ts";
import { withInstanceFiles } from "../../../load/segments/instance-files.ts";
import { loadInstances } from "../../../load/segments/load-instances.ts";
import { relayPeaks } from "../../../record/relay-metrics-sampler.ts";
import { writeRunSummary, SUMMARY_SCHEMA_VERSION, type RunSummary } from "../../../report/run-summary.ts";
import type { ScenarioResult } from "../../../report/summary/scenario-result-schema.ts";
import { verdictLines } from "../../../report/verdict/write-verdict.ts";
import { analyseScenario } from "../../../run/analyse-scenario.ts";
import { judgeRun } from "../../../run/judge-run.ts";
import { newRunFolder } from "../../../run/run-folder.ts";
import { writeScenarioFiles } from "../../../run/write-scenario-files.ts";
import { DEFAULT_TARGET } from "../../../targets/target.ts";
import type { LoadedSlo } from "../../../verdict/load-slo.ts";
import type { RunVerdict } from "../../../verdict/run-verdict.ts";
import { POPULATION_FILE } from "../collector-manifests.ts";
import type { GatheredFolder } from "./gathered-folder.ts";
import { gatheredLoad } from "./gathered-load.ts";

export interface AnalyseOptions {
  reportsDir: string;
  slo: LoadedSlo | null;
  /** the command line, for summary.json */
  argv: string[];
  log: (line: string) => void;
}

export async function analyseGathered(g: GatheredFolder, o: AnalyseOptions): Promise<{ runDir: string; summary: RunSummary; verdict: RunVerdict }> {
  const { plan, load } = g.plan;
  const name = plan.name;
  const { runId, runDir } = newRunFolder(o.reportsDir, `k8s-${name}`);
  o.log(`run ${runId}: records of TestRun ${g.plan.test} (${g.runners.length} runner(s)) from ${g.dir}`);
  const dir = join(runDir, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(g.populationFile, join(dir, POPULATION_FILE));
  // each runner's own files where a local --segments run keeps them: <scenario>/instance-<i>/
  const files = k6InstanceFiles(dir, false, g.runners.length);
  g.runners.forEach((r, i) => {
    copyFileSync(r.console, files[i].console);
    if (r.summary) copyFileSync(r.summary, files[i].summary);
    writeFileSync(files[i].log, `k6's own output stayed with the runner pod: kubectl logs ${r.folder.split("/").pop()}\n`);
  });

  const driven = gatheredLoad(g);
  const faultClock = driven.clock.faults;
  if (faultClock) o.log(`[${name}] fault records moved ${faultClock.correctionMs} ms onto runner 1's clock, within ${faultClock.residualBoundMs === null ? `an unknown bound (${faultClock.why})` : `${faultClock.residualBoundMs} ms`}`);
  o.log(`[${name}] analysing ${driven.events.length} records`);
  const { records, figures, generator, messageChecks } = await analyseScenario({ plan, load, driven, population: g.population, journal: g.journal, idsFile: join(name, "checks.json"),
    serverFiles: async function* () { throw new Error("the relay's stored files are not read by the collector"); } });
  const written = writeScenarioFiles(runDir, name, { driven, records, flagged: messageChecks.flagged, k6Files: files[0] });
  const privacy = privacyNotApplicable(load.cryptoMode)
    ?? { name: "privacy", status: "unknown" as const, details: { notChecked: "the cluster's traffic is not captured and the relay's stored files are not read by the collector" } };
  const target = { name: DEFAULT_TARGET, version: null };
  const lastT = driven.events.length ? driven.events[driven.events.length - 1].t : Date.now();
  const result: ScenarioResult = {
    name, scenario: plan.scenario, target,
    status: driven.error ? "failed" : "completed", ...(driven.error ? { error: driven.error } : {}),
    load: { ...load, instances: loadInstances(driven.instances, driven.clock, { ...load, startedAt: driven.startedAt, machineCores: availableParallelism(), delivered: figures.messages.delivered }) },
    startedAt: driven.startedAt, endedAt: lastT, k6ExitCode: driven.k6ExitCode, thresholdsPassed: driven.k6ExitCode === 0,
    timeline: plan.timeline, faults: driven.faults, figures,
    relay: { peaks: relayPeaks([]), startups: [], backlog: null },
    server: { usage: driven.serverUsageFigures },
    generator,
    checks: [privacy, ...messageChecks.results],
    files: withInstanceFiles(written, files, runDir),
  };
  const summary: RunSummary = {
    schemaVersion: SUMMARY_SCHEMA_VERSION, runId, status: result.status,
    startedAt: new Date(driven.startedAt ?? lastT).toISOString(), endedAt: new Date(lastT).toISOString(),
    suite: { name: `k8s-${name}`, source: join(g.dir, "plan.json"), description: `TestRun ${g.plan.test} (parallelism ${g.plan.parallelism}) analysed from its gathered records` },
    command: o.argv,
    environment: { kind: "k6-operator", reason: `records gathered from the cluster into ${g.dir}`, versions: {} },
    target, scenarios: [result], ...(driven.error ? { error: driven.error } : {}),
  };
  writeRunSummary(runDir, summary);
  const verdict = await judgeRun(runDir, { runId, scenarios: summary.scenarios, interrupted: false, slo: o.slo, baseline: null, target }, o.log,
    (v, f) => o.log(`${verdictLines(v).join("\n")}\nverdict: ${f.verdict}, ${f.junit}`));
  o.log(`report: ${runDir}`);
  return { runDir, summary, verdict };
}
