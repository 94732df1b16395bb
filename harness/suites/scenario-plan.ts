// One scenario of a suite, validated and ready to run: which k6 file, with which settings,
// relay configuration and fault timeline.
import type { RecoveryBand } from "../analysis/recovery-band.ts";
import type { TimelineEntry } from "../timeline/timeline-entry.ts";

export interface LoadShape {
  users: number;
  /** messages per second, all users together */
  rate: number;
  warmupS: number;
  durationS: number;
  drainS: number;
  seed: number;
  /** people each user writes to */
  contacts: number;
  /** messages queued for offline users before the scenario starts (0: none) */
  backlog: number;
}

export interface ScenarioPlan {
  /** unique within the suite (the report sub-folder) */
  name: string;
  /** the k6 file, scenarios/<scenario>.ts */
  scenario: string;
  file: string;
  load: Partial<LoadShape>;
  /** RELAY_* variables for the relay (forward cap, rate limits) */
  relayEnv: Record<string, string>;
  /** extra variables for the k6 scenario (-e NAME=value) */
  k6Env: Record<string, string>;
  timeline: TimelineEntry[];
  recovery: RecoveryBand;
}

export interface SuitePlan {
  name: string;
  description: string;
  source: string;
  scenarios: ScenarioPlan[];
}
