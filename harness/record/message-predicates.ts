// What each word the reports use means for one message record, defined once. Every figure and
// every checker counts with these, so "lost" in the table and "lost" in a checker are the same set.
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
