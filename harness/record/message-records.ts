// One record per message, built from the client events in one pass: who sent it, when it was
// sent, acknowledged and delivered (every delivery, duplicates included), over which path, and
// which copies arrived with other bytes than the copy shown (each copy's record carries a digest
// of its body: scenarios/lib/body-digest.ts).
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";

export interface MessageRecord {
  id: string;
  from: number;
  to: number;
  seq: number;
  /** what kind of message the scenario sent ("chat", "chain"), if it said */
  tag: string | null;
  sentAt: number;
  sentVia: string;
  resends: number;
  ackedAt: number | null;
  ackedVia: string | null;
  /** times of every delivery to the recipient, redeliveries dropped by the client's dedupe included */
  deliveries: number[];
  /** times it was shown to the recipient's application (after dedupe): more than one is a duplicate the user saw */
  shownAt: number[];
  /** times it arrived again and the client's dedupe dropped it (a redelivery on the wire) */
  redeliveredAt: number[];
  /** times a copy arrived whose body differed from the copy shown (dropped by the dedupe or not): altered on the way */
  alteredAt: number[];
  /** position of its acknowledgement in the log: one sender's acks are written in the order they arrived, which is the relay's store order */
  ackOrder: number | null;
  /** position of its first showing in the log: one recipient's deliveries are written in the order they were shown */
  shownOrder: number | null;
  deliveredVia: string | null;
  /** first delivery minus send time */
  latencyMs: number | null;
  decryptFailed: boolean;
  /** error code when the relay refused it for good */
  rejected: string | null;
}

export function buildMessageRecords(events: Iterable<ClientEvent>): MessageRecord[] {
  const records = new Map<string, MessageRecord>();
  const orphans: [ClientEvent, number][] = [];
  /** the body digest of each message's first showing, and every other copy's, compared once all are read (a copy dropped by the dedupe is logged before the showing whose decrypt was still running) */
  const shownDigests = new Map<string, string>();
  const otherCopies: { r: MessageRecord; t: number; digest: string }[] = [];
  let position = 0;
  const apply = (e: ClientEvent): boolean => {
    if (e.ev === "sent") {
      records.set(e.id, { id: e.id, from: e.from, to: e.to, seq: e.seq, tag: e.tag ?? null, sentAt: e.t, sentVia: e.ep, resends: 0, ackedAt: null, ackedVia: null, deliveries: [], shownAt: [], redeliveredAt: [], alteredAt: [], ackOrder: null, shownOrder: null, deliveredVia: null, latencyMs: null, decryptFailed: false, rejected: null });
      return true;
    }
    if (!("id" in e)) return true;
    const r = records.get(e.id);
    if (!r) return false;
    if (e.ev === "resent") r.resends++;
    else if (e.ev === "acked" && r.ackedAt === null) {
      r.ackedAt = e.t;
      r.ackedVia = e.ep;
      r.ackOrder = position;
    } else if (e.ev === "delivered") {
      r.deliveries.push(e.t);
      if (e.dup) r.redeliveredAt.push(e.t);
      else {
        if (r.shownAt.length === 0) r.shownOrder = position;
        r.shownAt.push(e.t);
      }
      if (e.digest !== undefined) {
        if (!e.dup && !shownDigests.has(r.id)) shownDigests.set(r.id, e.digest);
        else otherCopies.push({ r, t: e.t, digest: e.digest });
      }
      if (r.deliveredVia === null) {
        r.deliveredVia = e.ep;
        r.latencyMs = e.t - r.sentAt;
      }
    } else if (e.ev === "decrypt_failed") r.decryptFailed = true;
    else if (e.ev === "send_rejected") r.rejected = e.code;
    return true;
  };
  for (const event of events) {
    if (!apply(event)) orphans.push([event, position]);
    position++;
  }
  // a delivery can be logged by another VU before the sender's `sent` line: apply those afterwards,
  // at their own positions (one recipient's order stays as it was written)
  for (const [event, at] of orphans) {
    position = at;
    apply(event);
  }
  // a message never shown (it failed to decrypt) has no copy to compare with: it is corrupted already
  const altered = new Set<MessageRecord>();
  for (const { r, t, digest } of otherCopies) {
    const shown = shownDigests.get(r.id);
    if (shown === undefined || digest === shown) continue;
    r.alteredAt.push(t);
    altered.add(r);
  }
  for (const r of altered) r.alteredAt.sort((x, y) => x - y);
  return [...records.values()];
}
