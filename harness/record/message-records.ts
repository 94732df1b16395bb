// One record per message, built from the client events in one pass: who sent it, when it was
// sent, acknowledged and delivered (every delivery, duplicates included), and over which path.
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
  /** times of every delivery to the recipient; more than one is a duplicate */
  deliveries: number[];
  deliveredVia: string | null;
  /** first delivery minus send time */
  latencyMs: number | null;
  decryptFailed: boolean;
  /** error code when the relay refused it for good */
  rejected: string | null;
}

export function buildMessageRecords(events: Iterable<ClientEvent>): MessageRecord[] {
  const records = new Map<string, MessageRecord>();
  const orphans: ClientEvent[] = [];
  const apply = (e: ClientEvent): boolean => {
    if (e.ev === "sent") {
      records.set(e.id, { id: e.id, from: e.from, to: e.to, seq: e.seq, tag: e.tag ?? null, sentAt: e.t, sentVia: e.ep, resends: 0, ackedAt: null, ackedVia: null, deliveries: [], deliveredVia: null, latencyMs: null, decryptFailed: false, rejected: null });
      return true;
    }
    if (!("id" in e)) return true;
    const r = records.get(e.id);
    if (!r) return false;
    if (e.ev === "resent") r.resends++;
    else if (e.ev === "acked" && r.ackedAt === null) {
      r.ackedAt = e.t;
      r.ackedVia = e.ep;
    } else if (e.ev === "delivered") {
      r.deliveries.push(e.t);
      if (r.deliveredVia === null) {
        r.deliveredVia = e.ep;
        r.latencyMs = e.t - r.sentAt;
      }
    } else if (e.ev === "decrypt_failed") r.decryptFailed = true;
    else if (e.ev === "send_rejected") r.rejected = e.code;
    return true;
  };
  for (const event of events) if (!apply(event)) orphans.push(event);
  // a delivery can be logged by another VU before the sender's `sent` line: apply those afterwards
  for (const event of orphans) apply(event);
  return [...records.values()];
}
