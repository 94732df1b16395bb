// The main job: read the run's inputs, pick the environment, run each scenario in a fresh
// environment, keep reports/<run-id>/summary.json up to date, then judge the run and write its
// verdict and pages (on one path, whether the run ended or failed).
import { join } from "node:path";
import { killAllProcesses } from "../environments/local/managed-process.ts";
import { makeRunCertificate } from "../environments/run-certificate.ts";
import { selectEnvironment } from "../environments/select-environment.ts";
import type { TappedEnvironment } from "../environments/tap-paths.ts";
import { resultTable } from "../report/result-table.ts";
import { writeRunSummary, SUMMARY_SCHEMA_VERSION, type RunSummary } from "../report/run-summary.ts";
import { verdictLines } from "../report/verdict/write-verdict.ts";
import { ensureToolPath } from "../toolchain/ensure-tool.ts";
import { K6_VERSION } from "../toolchain/versions.ts";
import { k6ThresholdsFor } from "../verdict/k6-thresholds.ts";
import type { RunVerdict } from "../verdict/run-verdict.ts";
import { judgeRun } from "./judge-run.ts";
import type { RunFlags } from "./run-flags.ts";
import { newRunFolder } from "./run-folder.ts";
import { readRunInputs } from "./run-inputs.ts";
import { runScenario } from "./run-scenario.ts";
import { startScenarioEnvironment } from "./scenario-environment.ts";

/** The run's one verdict; the CLI turns it into the exit code. */
export interface RunOutcome { runDir: string; summary: RunSummary; verdict: RunVerdict }

export async function runSuite(flags: RunFlags, argv: string[], interrupt: AbortSignal, log: (line: string) => void): Promise<RunOutcome> {
  const { suite, plans, loads, targets, slo, baseline } = readRunInputs(flags);
  const k6Path = await ensureToolPath("k6", log);
  const { runId, runDir } = newRunFolder(flags.reportsDir, suite.name);
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
  let runError: { error: unknown; message: string } | null = null;
  try {
    for (const [i, plan] of plans.entries()) {
      if (interrupt.aborted) break;
      let env: TappedEnvironment | null = null;
      try {
        env = await startScenarioEnvironment(selection.kind, runDir, plan.name, {
          runId, relayEnv: plan.relayEnv, certificate, log, relay: flags.relay, target: targets[i], ...(flags.targetConfig !== undefined ? { targetConfig: flags.targetConfig } : {}),
        });
        summary.environment.versions = { ...summary.environment.versions, ...env.versions };
        // one target for the whole run: the version its server reported (the same package every scenario)
        if (summary.target) summary.target = env.target;
        if (interrupt.aborted) break;
        const result = await runScenario(plan, loads[i], { runId, runDir, k6Path, env, interrupt, tls: flags.tls, k6RawMetrics: flags.k6RawMetrics, segments: flags.segments, k6Thresholds: k6ThresholdsFor(slo?.objectives ?? [], plan.name, plan.scenario), log });
        summary.scenarios.push(result);
        save();
      } finally {
        await env?.stop();
      }
    }
  } catch (error) {
    runError = { error, message: (error as Error).message };
    summary.status = "failed";
    summary.error = runError.message;
  } finally {
    if (interrupt.aborted) {
      summary.status = interrupt.reason instanceof Error ? "failed" : "interrupted";
      if (interrupt.reason instanceof Error) summary.error = `uncaught error in the harness: ${interrupt.reason.message}`;
      await killAllProcesses();
    } else if (summary.scenarios.some((s) => s.status === "failed")) summary.status = "failed";
    save();
  }

  const target = summary.target ?? null;
  if (runError) {
    // pipelines still get a verdict (and junit.xml) that names the error, and people a page
    await judgeRun(runDir, { runId, scenarios: summary.scenarios, interrupted: interrupt.aborted, runError: runError.message, slo, baseline, target }, log);
    throw runError.error;
  }
  log(`\n${resultTable(summary.scenarios)}\n\nreport: ${runDir} (also ${join(flags.reportsDir, "latest")})`);
  // figures taken while k6 itself could not keep up describe k6, not the relay: such a run cannot pass
  const saturated = summary.scenarios.filter((s) => s.generator.inMeasuredWindow).map((s) => s.name);
  if (saturated.length && summary.status !== "interrupted") log(`the load generator (k6) saturated during the measured window of ${saturated.join(", ")}; lower --users/--rate or use a bigger machine`);
  const verdict = await judgeRun(runDir, { runId, scenarios: summary.scenarios, interrupted: summary.status === "interrupted", slo, baseline, target }, log,
    (v, files) => log(`${verdictLines(v).join("\n")}\nverdict: ${files.verdict}, ${files.junit}`));
  return { runDir, summary, verdict };
}
