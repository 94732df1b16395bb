// The one verdict of a run: every judgement (built-in and SLO objectives), combined as fail over
// unknown over pass. `gate` is what pipelines act on: unknown fails it unless the SLO file says
// `"unknown": "pass"`, or lists that judgement in `allowUnknown` with a reason. The CLI turns the
// gate into the exit code.
import { builtInJudgements } from "./built-in-judgements.ts";
import { evaluateObjective } from "./evaluate-objective.ts";
import { combine, type CheckStatus, type Judgement } from "./judgement.ts";
import type { JudgedScenario } from "./judged-scenario.ts";
import type { LoadedSlo } from "./load-slo.ts";

export const VERDICT_SCHEMA_VERSION = 1;

export interface RunVerdict {
  schemaVersion: typeof VERDICT_SCHEMA_VERSION;
  runId: string;
  status: CheckStatus;
  /** what the gate does with this run */
  gate: "pass" | "fail";
  unknownPolicy: "fail" | "pass";
  interrupted: boolean;
  slo: string | null;
  baseline: string | null;
  /** the server under test when the run has one (every scenario the same); null: several, or none known */
  target: VerdictTarget | null;
  /** scenario name -> the server it tested */
  targets: Record<string, VerdictTarget>;
  counts: Record<CheckStatus, number>;
  judgements: Judgement[];
}

export interface VerdictTarget { name: string; version: string | null }

export interface VerdictInput {
  runId: string;
  scenarios: JudgedScenario[];
  interrupted: boolean;
  /** the run failed outside any scenario (an error before or between them) */
  runError?: string;
  slo: LoadedSlo | null;
  baseline: { source: string; scenarios: JudgedScenario[] } | null;
  /** the run's one target (summary.json's "target"), known even when no scenario ran */
  target?: VerdictTarget | null;
}

export function runVerdict(input: VerdictInput): RunVerdict {
  const judgements: Judgement[] = [];
  if (input.runError) judgements.push({ source: "run", name: "run completed", scenario: "*", status: "fail", measured: "error", limit: "no error", details: { error: input.runError } });
  if (input.scenarios.length === 0) judgements.push({ source: "run", name: "at least one scenario ran", scenario: "*", status: "unknown", measured: "0", limit: ">= 1", details: {} });
  for (const s of input.scenarios) judgements.push(...builtInJudgements(s));
  for (const o of input.slo?.objectives ?? []) judgements.push(...evaluateObjective(o, input.scenarios, input.baseline?.scenarios ?? null));
  const status = combine(judgements);
  const unknownPolicy = input.slo?.unknown ?? "fail";
  const allowed = input.slo?.allowUnknown ?? [];
  for (const j of judgements) {
    const waiver = j.status === "unknown" ? allowed.find((a) => a.judgement === j.name && (a.scenario === undefined || a.scenario === j.scenario)) : undefined;
    if (waiver) j.details = { ...j.details, unknownAllowed: waiver.reason };
  }
  const blocking = judgements.filter((j) => j.status === "fail" || (j.status === "unknown" && unknownPolicy === "fail" && j.details.unknownAllowed === undefined));
  const counts = { pass: 0, fail: 0, unknown: 0 };
  for (const j of judgements) counts[j.status]++;
  return {
    schemaVersion: VERDICT_SCHEMA_VERSION, runId: input.runId, status,
    gate: blocking.length === 0 ? "pass" : "fail",
    unknownPolicy, interrupted: input.interrupted, slo: input.slo?.source ?? null, baseline: input.baseline?.source ?? null, ...verdictTargets(input), counts, judgements,
  };
}

/** The run's target as given, else the scenarios' one when they agree; and each scenario's. */
function verdictTargets(input: VerdictInput): { target: VerdictTarget | null; targets: Record<string, VerdictTarget> } {
  const targets: Record<string, VerdictTarget> = {};
  for (const s of input.scenarios) if (s.target) targets[s.name] = { name: s.target.name, version: s.target.version };
  const distinct = new Map(Object.values(targets).map((t) => [`${t.name} ${t.version}`, t]));
  return { target: input.target ?? (distinct.size === 1 ? [...distinct.values()][0] : null), targets };
}
