// One kind of result for every source of judgement (k6 thresholds, checkers, the saturation guard,
// message figures, SLO objectives): a CheckResult with what was measured and the limit it was held to.
import { combine, type CheckResult, type CheckStatus } from "../checks/check-result.ts";

export type JudgementSource = "run" | "k6-thresholds" | "check" | "generator" | "messages" | "objective";

export interface Judgement extends CheckResult {
  source: JudgementSource;
  /** the suite entry this is about (scenario names are unique within a suite) */
  scenario: string;
  /** what was measured, with its unit ("412 ms", "3", "none"); null when nothing was measured */
  measured: string | null;
  /** the limit it was held to ("<= 500 ms", "== 0") */
  limit: string | null;
}

export { combine };
export type { CheckStatus };
