// What a message checker reads and returns. A checker reads the run's message records once
// (linear time) and names every message it flags, each with the fault it is blamed on.
import type { CheckResult, CheckStatus } from "../../checks/check-result.ts";
import type { LeftForGood } from "../../record/left-for-good.ts";
import type { MessageRecord } from "../../record/message-records.ts";
import type { FaultWindow } from "../fault-windows.ts";

export interface CheckerInput {
  /** every message of the run, warm-up greetings included */
  records: MessageRecord[];
  /** the run's fault windows (harness/analysis/fault-windows.ts) */
  windows: FaultWindow[];
  /** a message shown later than this after it was sent is late */
  lateMs: number;
  /** end of set-up: the warm-up's end, or when every user had its sessions up if that was later */
  setupEnd: number;
  /** "opaque" bodies are not encrypted: corruption cannot be seen */
  cryptoMode: string;
  /** the scenario promises at most one arrival per message: a redelivery on the wire is then a failure */
  atMostOnce: boolean;
  /** what the relay's own record (its journal) says of a message; null: the relay keeps none */
  relaySays: (r: MessageRecord) => string | null;
  /** why the relay's record is not available, or null when it is */
  relayRecordMissing: string | null;
  /** users that ended their session for good, and when (left-for-good.ts: surge newcomers); absent: none did */
  leftForGood?: LeftForGood;
  /** the spans in which the load generator could not keep up (the saturation guard's), in ms since the epoch */
  generatorSaturated?: { from: number; to: number }[];
}

export interface Flagged {
  id: string;
  /** the fault's label ("timeline[1] relay-crash") or "none" */
  fault: string;
  /** what the relay's own record says of it (checkers of lost and unacknowledged messages), where it keeps one */
  relay?: string;
}

export interface CheckerOutcome {
  status: CheckStatus;
  /** how many messages the checker looked at */
  checked: number;
  flagged: Flagged[];
  /** what the verdict means, and anything else the checker measured */
  details: Record<string, unknown>;
}

export interface MessageChecker {
  name: string;
  check(input: CheckerInput): CheckerOutcome;
}

/** ids listed in summary.json per checker; all of them are in the scenario folder's checks.json */
export const SUMMARY_ID_LIMIT = 1000;

export function toCheckResult(name: string, outcome: CheckerOutcome, idsFile: string | null): CheckResult {
  const byFault: Record<string, number> = {};
  for (const f of outcome.flagged) byFault[f.fault] = (byFault[f.fault] ?? 0) + 1;
  return {
    name,
    status: outcome.status,
    details: {
      count: outcome.flagged.length, checked: outcome.checked, byFault,
      ids: outcome.flagged.slice(0, SUMMARY_ID_LIMIT), idsTruncated: outcome.flagged.length > SUMMARY_ID_LIMIT, idsFile,
      ...outcome.details,
    },
  };
}

/** Messages a checker names apart from its flagged ones (they are not the server's doing): how many, which (the first SUMMARY_ID_LIMIT), and what they are. */
export function namedApart(ids: string[], means: string): { count: number; ids: string[]; idsTruncated: boolean; means: string } {
  return { count: ids.length, ids: ids.slice(0, SUMMARY_ID_LIMIT), idsTruncated: ids.length > SUMMARY_ID_LIMIT, means };
}

/** One pass over the records: counts those the checker `applies` to, and flags each one `blame` names a fault for. */
export function scan(records: MessageRecord[], applies: (r: MessageRecord) => boolean, blame: (r: MessageRecord) => string | null, relaySays?: (r: MessageRecord) => string | null): { checked: number; flagged: Flagged[] } {
  const flagged: Flagged[] = [];
  let checked = 0;
  for (const r of records) {
    if (!applies(r)) continue;
    checked++;
    const fault = blame(r);
    if (fault === null) continue;
    const relay = relaySays?.(r);
    flagged.push(relay ? { id: r.id, fault, relay } : { id: r.id, fault });
  }
  return { checked, flagged };
}

/** The flagged messages counted by what the relay's record says of them, or why there is no such record. */
export function byRelayStatement(flagged: Flagged[], input: CheckerInput): Record<string, number> | string {
  if (input.relayRecordMissing !== null) return `not available: ${input.relayRecordMissing}`;
  const counts: Record<string, number> = {};
  for (const f of flagged) if (f.relay) counts[f.relay] = (counts[f.relay] ?? 0) + 1;
  return counts;
}

/** fail when anything was flagged, pass otherwise; unknown when there was nothing to check */
export function failWhenFlagged(checked: number, flagged: Flagged[], details: Record<string, unknown>): CheckerOutcome {
  return { status: checked === 0 ? "unknown" : flagged.length ? "fail" : "pass", checked, flagged, details: checked === 0 ? { ...details, unknown: "no messages to check" } : details };
}
