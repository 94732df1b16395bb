// Everything a run is told, read and validated before anything is built or started: the suite and
// its scenario plans, each scenario's load, its target, the sizes this machine can hold, the SLO
// file and the baseline. Bad input is exit code 2 at once.
import { InputError } from "../errors.ts";
import { loadBaseline } from "../verdict/load-baseline.ts";
import { loadSlo, type LoadedSlo } from "../verdict/load-slo.ts";
import type { JudgedScenario } from "../verdict/judged-scenario.ts";
import { availableScenarios, bareScenarioPlan, loadSuite } from "../suites/load-suite.ts";
import type { LoadShape, ScenarioPlan, SuitePlan } from "../suites/scenario-plan.ts";
import type { TargetName } from "../targets/target.ts";
import { scenarioSettings } from "../../scenarios/lib/scenario-settings.ts";
import type { RunFlags } from "./run-flags.ts";
import { planTargets } from "./plan-targets.ts";
import { checkSizes, sizedScenarios } from "./size-check.ts";

export interface RunInputs {
  suite: SuitePlan;
  plans: ScenarioPlan[];
  /** per plan, in order */
  loads: LoadShape[];
  targets: TargetName[];
  slo: LoadedSlo | null;
  baseline: { source: string; scenarios: JudgedScenario[] } | null;
}

export function readRunInputs(flags: RunFlags): RunInputs {
  const suite = loadSuite(flags.suite);
  const plans = flags.scenario ? suite.scenarios.filter((s) => s.name === flags.scenario || s.scenario === flags.scenario) : suite.scenarios;
  if (flags.scenario && plans.length === 0) plans.push(bareScenarioPlan(flags.scenario));
  if (plans.length === 0) throw new InputError(`${suite.source}: the suite has no scenarios`);
  const loads = plans.map((p) => scenarioSettings(p.scenario, p.load, flags.load));
  const targets = planTargets(plans, flags, suite.source);
  // sizes this machine cannot hold are bad input too, refused before anything is built or started
  checkSizes(sizedScenarios(plans, loads, targets, flags));
  const sloFile = flags.slo ?? suite.slo;
  const slo = sloFile ? loadSlo(sloFile, [...new Set([...plans.map((p) => p.name), ...availableScenarios()])]) : null;
  const baseline = flags.baseline ? loadBaseline(flags.baseline, flags.reportsDir) : null;
  return { suite, plans, loads, targets, slo, baseline };
}
