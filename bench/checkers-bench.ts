// `npx tsx bench/checkers-bench.ts [messages]`: builds a generated log of 1,000,000 messages
// (10,000 users, 20 conversations each, two faults, some lost, redelivered, shown twice, held back,
// corrupted and late), then times building the message records and running every message checker
// over them, and prints messages checked per second. The checkers are linear (one pass each, plus
// a sort per conversation of messages that are nearly in order already).
import { runMessageCheckers } from "../harness/analysis/checkers/all-checkers.ts";
import { faultWindows } from "../harness/analysis/fault-windows.ts";
import { buildMessageRecords } from "../harness/record/message-records.ts";
import type { FaultRecord } from "../harness/timeline/fault-timeline.ts";
import type { ClientEvent } from "../scenarios/lib/client-events.ts";

const messages = Number(process.argv[2] ?? 1_000_000);
const users = 10_000;
const T0 = 1_700_000_000_000;
const perMs = messages / 600_000; // ten minutes of sending

function generate(): ClientEvent[] {
  const events: ClientEvent[] = [];
  const seq = new Uint32Array(users);
  const held = new Map<number, ClientEvent>();
  for (let i = 0; i < messages; i++) {
    const from = i % users;
    const to = (from + 1 + (i % 20)) % users;
    const id = `${from}.${++seq[from]}`;
    const t = T0 + Math.floor(i / perMs);
    events.push({ ev: "sent", id, from, to, seq: seq[from], t, ep: "direct-a" });
    if (i % 50_000 === 7) continue; // never acknowledged
    events.push({ ev: "acked", id, t: t + 3, ep: "direct-a" });
    if (i % 40_000 === 11) continue; // lost
    if (i % 60_000 === 13) {
      events.push({ ev: "decrypt_failed", id, from: `u${from}`, to, t: t + 20, reason: "OperationError" });
      continue;
    }
    const shown = i % 30_000 === 17 ? t + 15_000 : t + 20;
    const delivered: ClientEvent = { ev: "delivered", id, from, to, t: shown, sentAt: t, dup: false, ep: "direct-a" };
    if (i % 80_000 === 29 && i + users < messages) {
      held.set(i + users, delivered); // shown after the next message of its conversation: out of order
      continue;
    }
    events.push(delivered);
    const late = held.get(i);
    if (late) events.push(late);
    if (i % 10_000 === 19) events.push({ ev: "delivered", id, from, to, t: t + 900, sentAt: 0, dup: true, ep: "direct-b" });
    if (i % 70_000 === 23) events.push({ ev: "delivered", id, from, to, t: t + 950, sentAt: t, dup: false, ep: "direct-b" });
  }
  return events;
}

const fault = (event: "inject" | "heal", entry: number, kind: string, at: number): FaultRecord => ({ event, entry, kind, target: kind.startsWith("relay") ? "relay" : "all-paths", requestedAt: T0 + at, appliedAt: T0 + at + 5, lastAppliedAt: T0 + at + 5, ok: true });
const faults = [fault("inject", 0, "latency", 120_000), fault("heal", 0, "latency", 180_000), fault("inject", 1, "relay-crash", 300_000), fault("heal", 1, "relay-crash", 303_000)];

const t0 = performance.now();
const events = generate();
const t1 = performance.now();
const records = buildMessageRecords(events);
const t2 = performance.now();
const { results } = await runMessageCheckers({ records, windows: faultWindows(faults, 5000, T0 + 600_000), lateMs: 10_000, setupEnd: T0, cryptoMode: "full", atMostOnce: false, relaySays: () => null, relayRecordMissing: "none in this benchmark" }, null);
const t3 = performance.now();

const rate = (n: number, ms: number) => Math.round(n / (ms / 1000)).toLocaleString("en-US");
console.log(`generated ${messages.toLocaleString("en-US")} messages (${events.length.toLocaleString("en-US")} records) in ${Math.round(t1 - t0)} ms`);
console.log(`message records built in ${Math.round(t2 - t1)} ms (${rate(messages, t2 - t1)} messages/s)`);
for (const r of results) console.log(`  ${r.name.padEnd(20)} ${r.status.padEnd(7)} ${String((r.details as { count?: number }).count ?? "-").padStart(6)} flagged`);
console.log(`${results.length} checkers ran in ${Math.round(t3 - t2)} ms: ${rate(messages, t3 - t2)} messages checked per second`);
