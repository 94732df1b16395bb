// The k6 shape shared by the conversation scenarios: settings from the environment (one contract
// with the harness, scenario-settings.ts), the population as SharedArrays (each VU parses only its
// own users' secrets), one long iteration per VU, thresholds, and the end-of-test summary.
import "./k6-primitives.ts";
import { SharedArray } from "k6/data";
import { commonOptions } from "./common-options.ts";
import type { Population, PopulationMember } from "./population.ts";
import { fromK6Env, maxDurationS, vuCount, type RunWiring, type ScenarioName, type ScenarioSettings } from "./scenario-settings.ts";

/** The population as a VU sees it: members parsed one at a time, user ids all at hand. */
export interface PopulationView {
  size: number;
  member(index: number): PopulationMember;
  userIds: string[];
}

export interface ConversationScenario {
  settings: ScenarioSettings & RunWiring;
  population: PopulationView;
  options: object;
}

/** Call from a scenario's init context. */
export function conversationScenario(name: ScenarioName, thresholds: Record<string, string[]>): ConversationScenario {
  const settings = fromK6Env(name, __ENV);
  const read = () => JSON.parse(open(settings.populationFile)) as Population;
  const members = new SharedArray("members", () => read().members);
  const userIds = new SharedArray("user ids", () => [read().members.map((m) => m.userId)])[0] as string[];
  const options = {
    ...commonOptions(__ENV),
    scenarios: {
      [name.replace(/-/g, "_")]: { executor: "per-vu-iterations", vus: vuCount(settings), iterations: 1, maxDuration: `${maxDurationS(settings)}s`, gracefulStop: "5s" },
    },
    thresholds: withRunThresholds(thresholds, settings.thresholds),
  };
  return { settings, population: { size: members.length, member: (i) => members[i] as PopulationMember, userIds: [...userIds] }, options };
}

/** k6's threshold forms: a rule, or a rule that stops the run when it fails. */
type Threshold = string | { threshold: string; abortOnFail: boolean; delayAbortEval?: string };

/** The scenario's own thresholds plus the SLO objectives marked abortOnFail (THRESHOLDS, JSON). */
function withRunThresholds(own: Record<string, string[]>, fromRun: string): Record<string, Threshold[]> {
  if (!fromRun) return own;
  const extra = JSON.parse(fromRun) as Record<string, Threshold[]>;
  const merged: Record<string, Threshold[]> = { ...own };
  for (const [metric, rules] of Object.entries(extra)) merged[metric] = [...(merged[metric] ?? []), ...rules];
  return merged;
}

export function summaryToFile(data: object): Record<string, string> {
  return __ENV.SUMMARY_FILE ? { [__ENV.SUMMARY_FILE]: JSON.stringify(data, null, 2) } : {};
}
