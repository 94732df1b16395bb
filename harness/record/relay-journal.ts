// The relay's own record of each message (GET /journal, fixtures/relay/message-journal.ts), as the
// checkers read it: what the relay did with each (sender, id). A relay without a journal (a relay
// under test need not have one) answers 404; its record is then "not available", and the checkers
// go by the clients' records alone.
import type { RelayControl } from "../environments/environment.ts";
import { HttpStatusError } from "../environments/http-get-text.ts";

interface MessageFacts { stored: boolean; deliveries: number; removedUndelivered: boolean }

export type RelayRecord =
  | { available: true; facts: Map<string, MessageFacts>; complete: boolean }
  | { available: false; why: string };

export async function readRelayRecord(relay: RelayControl): Promise<RelayRecord> {
  try {
    return parseRelayJournal(await relay.journal());
  } catch (e) {
    const why = e instanceof HttpStatusError ? `the relay keeps no journal (GET /journal answered HTTP ${e.status})` : `GET /journal failed: ${(e as Error).message}`;
    return { available: false, why };
  }
}

export function parseRelayJournal(text: string): RelayRecord {
  const facts = new Map<string, MessageFacts>();
  let complete = true;
  for (const line of text.split("\n")) {
    if (!line) continue;
    let e: { e?: string; from?: string; id?: string };
    try {
      e = JSON.parse(line);
    } catch {
      continue; // a torn last line of a killed relay
    }
    if (e.e === "full") complete = false;
    if (typeof e.from !== "string" || typeof e.id !== "string") continue;
    const key = relayKey(e.from, e.id);
    let f = facts.get(key);
    if (!f) facts.set(key, (f = { stored: false, deliveries: 0, removedUndelivered: false }));
    if (e.e === "stored") f.stored = true;
    // a message durable when the relay was killed, before it could journal it, is delivered after the restart
    else if (e.e === "delivered") {
      f.deliveries++;
      f.stored = true;
    }
    else if (e.e === "removed" && f.deliveries === 0) f.removedUndelivered = true;
  }
  return { available: true, facts, complete };
}

export function relayKey(fromUserId: string, id: string): string {
  return `${fromUserId}/${id}`;
}

/** What the relay's record says of one message, in the words the report shows; null when it keeps none. */
export function relaySays(record: RelayRecord, fromUserId: string, id: string): string | null {
  if (!record.available) return null;
  const f = record.facts.get(relayKey(fromUserId, id));
  if (!f?.stored) return record.complete ? "never stored" : "not in the relay's journal (it reached its size limit)";
  if (f.removedUndelivered) return "removed by an ack before any delivery";
  if (f.deliveries === 0) return "stored, never delivered";
  return f.deliveries === 1 ? "stored, delivered once" : `stored, delivered ${f.deliveries} times`;
}
