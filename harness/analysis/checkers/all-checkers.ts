// Every message checker, run over one scenario's records. A checker that throws is unknown,
// never pass (harness/checks/check-result.ts).
import { runCheck, type CheckResult } from "../../checks/check-result.ts";
import { corruptedChecker } from "./corrupted.ts";
import { duplicatedToUserChecker } from "./duplicated-to-user.ts";
import { lateChecker } from "./late.ts";
import { lostChecker } from "./lost.ts";
import { toCheckResult, type CheckerInput, type Flagged, type MessageChecker } from "./message-checker.ts";
import { neverAckedChecker } from "./never-acked.ts";
import { outOfOrderChecker } from "./out-of-order.ts";
import { redeliveredOnWireChecker } from "./redelivered-on-wire.ts";

export const MESSAGE_CHECKERS: readonly MessageChecker[] = [
  lostChecker, neverAckedChecker, duplicatedToUserChecker, redeliveredOnWireChecker, outOfOrderChecker, corruptedChecker, lateChecker,
];

export interface MessageChecks {
  results: CheckResult[];
  /** every flagged id per checker (summary.json lists the first 1,000) */
  flagged: Record<string, Flagged[]>;
}

export async function runMessageCheckers(input: CheckerInput, idsFile: string | null, checkers: readonly MessageChecker[] = MESSAGE_CHECKERS): Promise<MessageChecks> {
  const flagged: Record<string, Flagged[]> = {};
  const results: CheckResult[] = [];
  const sentWhileSaturated = sentWhileSaturatedCounter(input);
  for (const checker of checkers) {
    results.push(await runCheck(checker.name, () => {
      const outcome = checker.check(input);
      flagged[checker.name] = outcome.flagged;
      if (sentWhileSaturated) outcome.details.sentWhileGeneratorSaturated = sentWhileSaturated(outcome.flagged);
      return toCheckResult(checker.name, outcome, idsFile);
    }));
  }
  return { results, flagged };
}

/**
 * How many flagged messages were sent while the load generator was saturated: for those the run
 * cannot tell the relay's behaviour from k6's backlog (null when it never saturated).
 */
function sentWhileSaturatedCounter(input: CheckerInput): ((flagged: Flagged[]) => number) | null {
  const spans = input.generatorSaturated ?? [];
  if (spans.length === 0) return null;
  const sentAt = new Map(input.records.map((r) => [r.id, r.sentAt]));
  const inSpan = (t: number | undefined) => t !== undefined && spans.some((s) => t >= s.from && t < s.to);
  return (flagged) => flagged.reduce((n, f) => n + (inSpan(sentAt.get(f.id)) ? 1 : 0), 0);
}
