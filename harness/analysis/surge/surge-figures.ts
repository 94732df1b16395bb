// The surge scenario's figures from the recorded data: its sign-up records (one per newcomer,
// scenarios/lib/surge/sign-up-record.ts), the message records (first messages, answers, the
// existing users' chat) and the generator's saturation spans.
import type { ClientEvent } from "../../../scenarios/lib/client-events.ts";
import type { ScenarioSettings } from "../../../scenarios/lib/scenario-settings.ts";
import { isSignUpRecord, type SignUpRecord } from "../../../scenarios/lib/surge/sign-up-record.ts";
import type { LeftForGood } from "../../record/left-for-good.ts";
import { isAckedAfterRecipientLeft, isUnackedAfterSenderLeft } from "../../record/message-predicates.ts";
import type { MessageRecord } from "../../record/message-records.ts";
import type { SaturationSpan } from "../generator-saturation.ts";
import { percentiles } from "../percentiles.ts";
import { clientPickedPrekeys, picksByPrekey } from "./client-picked-prekeys.ts";
import { droppedPerSecond, SIGN_UP_SCENARIO, type DroppedIteration } from "./dropped-arrivals.ts";
import type { RelayPrekeyLog } from "./relay-prekey-log.ts";
import type { SurgeFigures, SurgeSecond } from "./surge-figures-schema.ts";
import { surgeKnee } from "./surge-knee.ts";

export interface SurgeInput {
  events: ClientEvent[];
  records: MessageRecord[];
  settings: Pick<ScenarioSettings, "surgeFromPerS" | "surgePeakPerS" | "durationS" | "surgeKneeP95Ms">;
  /** when the ramp starts (the end of the warm-up, epoch ms) */
  rampFrom: number;
  saturation: SaturationSpan[];
  /** the relay's own log of handed-out one-time prekeys (relay-prekey-log.ts) */
  relayPrekeyLog: RelayPrekeyLog;
  /** k6's own dropped_iterations points (dropped-arrivals.ts); null: not kept */
  droppedIterations: DroppedIteration[] | null;
  /** users that ended their session for good, and when (left-for-good.ts) */
  leftForGood: LeftForGood;
  /** a message shown later than this after it was sent is late: a sender that closed within it of a send could not have had the acknowledgement */
  lateMs: number;
}

export function signUpRecords(events: Iterable<{ ev: string }>): SignUpRecord[] {
  const out: SignUpRecord[] = [];
  for (const e of events) if (isSignUpRecord(e)) out.push(e);
  return out;
}

/** Connect to the first of its first messages delivered to a contact; null: none arrived. */
export function firstMessageMs(signUp: SignUpRecord, byId: Map<string, MessageRecord>): number | null {
  const delivered = signUp.firstMessages.map((id) => byId.get(id)?.shownAt[0]).filter((t): t is number => t !== undefined);
  return delivered.length ? Math.min(...delivered) - signUp.startedAt : null;
}

export function surgeFigures({ events, records, settings, rampFrom, saturation, relayPrekeyLog, droppedIterations, leftForGood: left, lateMs }: SurgeInput): SurgeFigures {
  const signUps = signUpRecords(events);
  const byId = new Map(records.map((r) => [r.id, r]));
  const accepted = signUps.filter((s) => s.outcome === "registered");
  const fetches = signUps.flatMap((s) => s.fetches);
  const answered = fetches.filter((f) => f.latencyMs !== null);
  const firstMs = new Map(signUps.map((s) => [s, firstMessageMs(s, byId)]));
  const handedOut = picksByPrekey(signUps);
  const refusedBy: Record<string, number> = {};
  for (const reason of signUps.flatMap((s) => s.refusals)) refusedBy[reason] = (refusedBy[reason] ?? 0) + 1;
  const rampTo = rampFrom + settings.durationS * 1000;
  const chat = records.filter((r) => r.tag === "chat" && r.latencyMs !== null);
  const drops = droppedIterations?.filter((d) => d.scenario === SIGN_UP_SCENARIO) ?? null;
  const perSecond = secondsOfRamp(signUps, firstMs, rampFrom, settings, saturation, drops);
  return {
    signUps: signUps.length,
    accepted: accepted.length,
    refused: signUps.filter((s) => s.outcome === "refused").length,
    unfinished: signUps.filter((s) => s.outcome === "unfinished").length,
    refusedBy,
    firstMessageMs: percentiles(accepted.map((s) => firstMs.get(s)).filter((ms): ms is number => ms !== null)),
    firstMessageUndelivered: accepted.filter((s) => firstMs.get(s) === null).length,
    recipientLeft: records.filter((r) => isAckedAfterRecipientLeft(r, left)).length,
    senderLeft: records.filter((r) => isUnackedAfterSenderLeft(r, left, lateMs)).length,
    droppedIterations: drops?.length ?? null,
    connectMs: percentiles(signUps.filter((s) => s.connectedAt !== null).map((s) => s.connectedAt! - s.startedAt)),
    prekeyFetches: fetches.length,
    prekeyFetchMs: percentiles(answered.map((f) => f.latencyMs!)),
    prekeyFetchRetries: fetches.reduce((n, f) => n + f.retries, 0),
    oneTimePrekeysExhausted: answered.filter((f) => f.oneTimePrekey === null).length,
    oneTimePrekeysHandedOutTwice: [...handedOut.values()].filter((n) => n > 1).length,
    clientPicked: clientPickedPrekeys(signUps, events),
    relayPrekeyLog,
    existingUsers: {
      before: percentiles(chat.filter((r) => r.sentAt < rampFrom).map((r) => r.latencyMs!)),
      during: percentiles(chat.filter((r) => r.sentAt >= rampFrom && r.sentAt < rampTo).map((r) => r.latencyMs!)),
    },
    perSecond,
    knee: surgeKnee(perSecond, settings.surgeKneeP95Ms, saturation, rampFrom),
  };
}

function secondsOfRamp(signUps: SignUpRecord[], firstMs: Map<SignUpRecord, number | null>, rampFrom: number, settings: SurgeInput["settings"], saturation: SaturationSpan[], drops: DroppedIteration[] | null): SurgeSecond[] {
  const secondOf = (t: number) => Math.floor((t - rampFrom) / 1000);
  const last = Math.max(settings.durationS - 1, ...signUps.map((s) => secondOf(s.startedAt)), ...(drops ?? []).map((d) => secondOf(d.t)));
  const out: SurgeSecond[] = [];
  const dropped = drops && droppedPerSecond(drops, rampFrom, last + 1);
  for (let second = 0; second <= last; second++) {
    const from = rampFrom + second * 1000;
    const starting = signUps.filter((s) => secondOf(s.startedAt) === second);
    const fetched = signUps.flatMap((s) => s.fetches).filter((f) => secondOf(f.at) === second);
    const progress = Math.min(1, second / Math.max(1, settings.durationS));
    out.push({
      second,
      plannedPerS: Math.round((settings.surgeFromPerS + (settings.surgePeakPerS - settings.surgeFromPerS) * progress) * 10) / 10,
      signUps: starting.length,
      accepted: starting.filter((s) => s.outcome === "registered").length,
      refused: starting.filter((s) => s.outcome === "refused").length,
      unfinished: starting.filter((s) => s.outcome === "unfinished").length,
      firstMessageMs: percentiles(starting.map((s) => firstMs.get(s)).filter((ms): ms is number => ms !== null && ms !== undefined)),
      prekeyFetches: fetched.length,
      prekeyFetchMs: percentiles(fetched.filter((f) => f.latencyMs !== null).map((f) => f.latencyMs!)),
      generatorSaturated: saturation.some((span) => span.from < from + 1000 && span.to > from),
      droppedIterations: dropped?.[second] ?? null,
    });
  }
  return out;
}
