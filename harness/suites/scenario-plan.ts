// One scenario of a suite, validated and ready to run: which k6 file, with which settings,
// relay configuration and fault timeline.
import type { RecoveryBand } from "../analysis/recovery-band.ts";
import type { TimelineEntry } from "../timeline/timeline-entry.ts";
import type { ScenarioName, ScenarioSettings } from "../../scenarios/lib/scenario-settings.ts";
import type { TargetName } from "../targets/target.ts";

/** A scenario's load and client settings: the contract the harness and k6 share. */
export type LoadShape = ScenarioSettings;

export interface ScenarioPlan {
  /** unique within the suite (the report sub-folder) */
  name: string;
  /** the k6 file, scenarios/<scenario>.ts */
  scenario: ScenarioName;
  file: string;
  load: Partial<LoadShape>;
  /** where the plan was written ("fixtures/suites/x.json: scenarios[2]", "--scenario steady") and the field each of `load`'s settings came from ("users", "k6Env.USERS"), for messages */
  origin?: { where: string; fields: Partial<Record<keyof LoadShape, string>> };
  /** RELAY_* variables for the relay (forward cap, rate limits) */
  relayEnv: Record<string, string>;
  timeline: TimelineEntry[];
  recovery: RecoveryBand;
  /** what the relay promises: "at-least-once" (default; a redelivery on the wire is reported) or "at-most-once" (it fails) */
  delivery?: DeliveryPromise;
  /** the server under test, as the suite sets it (--target overrides it); undefined: relay */
  target?: TargetName;
}

export const DELIVERY_PROMISES = ["at-least-once", "at-most-once"] as const;
export type DeliveryPromise = (typeof DELIVERY_PROMISES)[number];

export interface SuitePlan {
  name: string;
  description: string;
  source: string;
  /** the suite's default SLO file (a path from the project folder), if any */
  slo?: string;
  scenarios: ScenarioPlan[];
}
