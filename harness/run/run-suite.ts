// The main job: validate the suite, pick the environment, run each scenario in a fresh
// environment, and write reports/<run-id>/ with summary.json (and reports/latest).
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { tapPaths, type TappedEnvironment } from "../environments/tap-paths.ts";
import { killAllProcesses } from "../environments/local/managed-process.ts";
import { makeRunCertificate } from "../environments/run-certificate.ts";
import { selectEnvironment } from "../environments/select-environment.ts";
import { startEnvironment } from "../environments/start-environment.ts";
import { InputError } from "../errors.ts";
import { resultTable } from "../report/result-table.ts";
import { writeReportsAfterRun } from "../report/html/write-reports.ts";
import { verdictLines, writeVerdict } from "../report/verdict/write-verdict.ts";
import { k6ThresholdsFor } from "../verdict/k6-thresholds.ts";
import { loadBaseline } from "../verdict/load-baseline.ts";
import { loadSlo } from "../verdict/load-slo.ts";
import { runVerdict, type RunVerdict } from "../verdict/run-verdict.ts";
import { writeRunSummary, SUMMARY_SCHEMA_VERSION, type RunSummary } from "../report/run-summary.ts";
import { availableScenarios, bareScenarioPlan, loadSuite } from "../suites/load-suite.ts";
import { scenarioSettings } from "../../scenarios/lib/scenario-settings.ts";
import { ensureToolPath } from "../toolchain/ensure-tool.ts";
import { K6_VERSION } from "../toolchain/versions.ts";
import type { RunFlags } from "./run-flags.ts";
import { runScenario } from "./run-scenario.ts";
import { planTargets } from "./plan-targets.ts";
import { checkSizes, sizedScenarios } from "./size-check.ts";

/** The run's one verdict; the CLI turns it into the exit code. */
export interface RunOutcome { runDir: string; summary: RunSummary; verdict: RunVerdict }

export async function runSuite(flags: RunFlags, argv: string[], interrupt: AbortSignal, log: (line: string) => void): Promise<RunOutcome> {
  const suite = loadSuite(flags.suite);
  const plans = flags.scenario ? suite.scenarios.filter((s) => s.name === flags.scenario || s.scenario === flags.scenario) : suite.scenarios;
  if (flags.scenario && plans.length === 0) plans.push(bareScenarioPlan(flags.scenario));
  if (plans.length === 0) throw new InputError(`${suite.source}: the suite has no scenarios`);
  const loads = plans.map((p) => scenarioSettings(p.scenario, p.load, flags.load));
  const targets = planTargets(plans, flags, suite.source);
  // sizes this machine cannot hold are bad input too, refused before anything is built or started
  checkSizes(sizedScenarios(plans, loads, targets, flags));
  // the SLO file and the baseline are read before anything starts: bad input is exit 2 at once
  const sloFile = flags.slo ?? suite.slo;
  const slo = sloFile ? loadSlo(sloFile, [...new Set([...plans.map((p) => p.name), ...availableScenarios()])]) : null;
  const baseline = flags.baseline ? loadBaseline(flags.baseline, flags.reportsDir) : null;
  const k6Path = await ensureToolPath("k6", log);

  const runId = `${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-")}-${suite.name}`;
  const runDir = resolve(flags.reportsDir, runId);
  mkdirSync(runDir, { recursive: true });
  pointLatestAt(flags.reportsDir, runId);
  const selection = await selectEnvironment(flags.env, log, flags.relay, targets);
  log(`run ${runId}: suite '${suite.name}', ${plans.length} scenario(s), target ${[...new Set(targets)].join(", ")}, environment ${selection.kind} (${selection.reason})`);
  const certificate = flags.tls ? makeRunCertificate(runDir) : null;

  const summary: RunSummary = {
    schemaVersion: SUMMARY_SCHEMA_VERSION, runId, status: "completed", startedAt: new Date().toISOString(), endedAt: "",
    suite: { name: suite.name, source: suite.source, description: suite.description }, command: argv,
    environment: { kind: selection.kind, reason: selection.reason, versions: { k6: `${K6_VERSION} (${k6Path})` } },
    ...(new Set(targets).size === 1 ? { target: { name: targets[0], version: null } } : {}), scenarios: [],
  };
  const save = () => writeRunSummary(runDir, { ...summary, endedAt: new Date().toISOString() });
  try {
    for (const [i, plan] of plans.entries()) {
      if (interrupt.aborted) break;
      let env: TappedEnvironment | null = null;
      try {
        const logDir = join(runDir, plan.name);
        mkdirSync(logDir, { recursive: true });
        const started = await startEnvironment(selection.kind, {
          runId, logDir, relayEnv: plan.relayEnv, certificate, log, relay: flags.relay, target: targets[i], ...(flags.targetConfig !== undefined ? { targetConfig: flags.targetConfig } : {}),
        });
        env = await tapPaths(started, (p) => p.kind === "proxy", join(runDir, plan.name, "captures")).catch(async (e) => {
          await started.stop();
          throw e;
        });
        summary.environment.versions = { ...summary.environment.versions, ...env.versions };
        // one target for the whole run: the version its server reported (the same package every scenario)
        if (summary.target) summary.target = env.target;
        if (interrupt.aborted) break;
        const result = await runScenario(plan, loads[i], { runId, runDir, k6Path, env, interrupt, tls: flags.tls, k6RawMetrics: flags.k6RawMetrics, k6Thresholds: k6ThresholdsFor(slo?.objectives ?? [], plan.name, plan.scenario), log });
        summary.scenarios.push(result);
        save();
      } finally {
        await env?.stop();
      }
    }
  } catch (error) {
    summary.status = "failed";
    summary.error = (error as Error).message;
    // pipelines still get a verdict (and junit.xml) that names the error, and people a page
    save();
    writeVerdict(runDir, runVerdict({ runId, scenarios: summary.scenarios, interrupted: interrupt.aborted, runError: summary.error, slo, baseline, target: summary.target ?? null }));
    await writeReportsAfterRun(runDir, log).catch((e) => log(`html report not written: ${(e as Error).message}`));
    throw error;
  } finally {
    if (interrupt.aborted) {
      summary.status = interrupt.reason instanceof Error ? "failed" : "interrupted";
      if (interrupt.reason instanceof Error) summary.error = `uncaught error in the harness: ${interrupt.reason.message}`;
      await killAllProcesses();
    } else if (summary.scenarios.some((s) => s.status === "failed")) summary.status = "failed";
    save();
  }
  log(`\n${resultTable(summary.scenarios)}\n\nreport: ${runDir} (also ${join(flags.reportsDir, "latest")})`);
  // figures taken while k6 itself could not keep up describe k6, not the relay: such a run cannot pass
  const saturated = summary.scenarios.filter((s) => s.generator.inMeasuredWindow).map((s) => s.name);
  if (saturated.length && summary.status !== "interrupted") log(`the load generator (k6) saturated during the measured window of ${saturated.join(", ")}; lower --users/--rate or use a bigger machine`);
  const verdict = runVerdict({ runId, scenarios: summary.scenarios, interrupted: summary.status === "interrupted", slo, baseline, target: summary.target ?? null });
  const files = writeVerdict(runDir, verdict);
  log(`${verdictLines(verdict).join("\n")}\nverdict: ${files.verdict}, ${files.junit}`);
  await writeReportsAfterRun(runDir, log);
  return { runDir, summary, verdict };
}

function pointLatestAt(reportsDir: string, runId: string): void {
  const latest = join(reportsDir, "latest");
  rmSync(latest, { force: true, recursive: false });
  symlinkSync(runId, latest);
}
