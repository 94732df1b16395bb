// What each word the reports use means for one message record, defined once. Every figure and
// every checker counts with these, so "lost" in the table and "lost" in a checker are the same set.
import type { LeftForGood } from "./left-for-good.ts";
import type { MessageRecord } from "./message-records.ts";

/** The warm-up greeting that sets up a session on the contact's side (scenarios/lib/simulated-user.ts). */
export const HELLO_TAG = "hello";

export const isHello = (r: MessageRecord): boolean => r.tag === HELLO_TAG;

/** The relay said it stored the message (`sent`). */
export const isAcked = (r: MessageRecord): boolean => r.ackedAt !== null;

/** Sent (and retried after reconnects) but the relay never acknowledged it. */
export const isNeverAcked = (r: MessageRecord): boolean => r.ackedAt === null;

/** Arrived on the wire at least once (whether or not it decrypted). */
export const isDelivered = (r: MessageRecord): boolean => r.deliveries.length > 0;

/** Shown to the recipient's application at least once (arrived, decrypted, not a duplicate). */
export const isShown = (r: MessageRecord): boolean => r.shownAt.length > 0;

/** Arrived but failed to decrypt or authenticate: corrupted or forged, never counted as lost. */
export const isCorrupted = (r: MessageRecord): boolean => r.decryptFailed;

/** A copy arrived with other bytes than the copy shown (altered on the way), whether the client's dedupe dropped it or not. */
export const hasAlteredCopy = (r: MessageRecord): boolean => r.alteredAt.length > 0;

/** Acknowledged by the relay and never arrived at all: the one loss that must not happen. */
export const isLostAfterAck = (r: MessageRecord): boolean => r.ackedAt !== null && r.shownAt.length === 0 && !r.decryptFailed;

/**
 * Acknowledged, never shown, and its recipient had ended its session for good (left-for-good.ts)
 * before the acknowledgement: the server keeps it for a user that never connects again, so it
 * cannot be delivered within the run. Not a loss; every other unshown acknowledged message is.
 */
export const isAckedAfterRecipientLeft = (r: MessageRecord, left: LeftForGood): boolean => {
  const at = left.get(r.to);
  return isLostAfterAck(r) && at !== undefined && at <= r.ackedAt!;
};

/**
 * Never acknowledged (and not refused), and its sender ended its session for good within
 * `withinMs` after sending it: it closed before an acknowledgement could reasonably reach it.
 * A sender that stayed longer, or connected again, and got none still counts as never acknowledged.
 */
export const isUnackedAfterSenderLeft = (r: MessageRecord, left: LeftForGood, withinMs: number): boolean => {
  const at = left.get(r.from);
  return isNeverAcked(r) && r.rejected === null && at !== undefined && at >= r.sentAt && at - r.sentAt <= withinMs;
};

/** Lost by the server: acknowledged, never shown, its recipient still there to be given it (the lost checker's rule). */
export const isLostByServer = (r: MessageRecord, left: LeftForGood): boolean => isLostAfterAck(r) && !isAckedAfterRecipientLeft(r, left);

/** Never acknowledged, its sender still there to be told (as the never-acknowledged checker counts, refusals aside). */
export const isUnackedByServer = (r: MessageRecord, left: LeftForGood, withinMs: number): boolean => isNeverAcked(r) && !isUnackedAfterSenderLeft(r, left, withinMs);

/** Shown to the application more than once: the client's dedupe let a copy through. */
export const isDuplicatedToUser = (r: MessageRecord): boolean => r.shownAt.length > 1;

/** Copies that arrived again and were dropped by the client's dedupe (expected of an at-least-once relay). */
export const wireRedeliveries = (r: MessageRecord): number => r.redeliveredAt.length;

/** Extra arrivals of any kind (redeliveries on the wire plus extra showings): the old "duplicates" figure. */
export const extraDeliveries = (r: MessageRecord): number => Math.max(0, r.deliveries.length - 1);

/** When the last warm-up greeting was shown to its recipient: every user has its sessions up (null: none was). */
export function sessionsUpAt(records: Iterable<MessageRecord>): number | null {
  let last: number | null = null;
  for (const r of records) if (isHello(r) && r.shownAt.length && (last === null || r.shownAt[0] > last)) last = r.shownAt[0];
  return last;
}

/** First showing minus send time, when it was shown. */
export const shownLatencyMs = (r: MessageRecord): number | null => (r.shownAt.length ? r.shownAt[0] - r.sentAt : null);
