import { describe, expect, it } from "vitest";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import { decodeRecord, encodeRecord } from "../../scenarios/lib/record-codec.ts";
import { parseClientEvents } from "../../harness/record/client-event-tail.ts";

const EVENTS: ClientEvent[] = [
  { ev: "sent", id: "12.7", from: 12, to: 40, seq: 7, t: 1_763_900_000_123, ep: "direct-a", tag: "chat" },
  { ev: "sent", id: "3.1", from: 3, to: 4, seq: 1, t: 1_763_900_000_124, ep: "proxy-2" },
  { ev: "resent", id: "12.7", t: 1_763_900_000_200, ep: "direct-b" },
  { ev: "acked", id: "12.7", t: 1_763_900_000_210, ep: "direct-b" },
  { ev: "delivered", id: "12.7", from: 12, to: 40, t: 1_763_900_000_250, sentAt: 1_763_900_000_123, dup: false, ep: "direct-a" },
  { ev: "delivered", id: "12.7", from: 12, to: 40, t: 1_763_900_000_260, sentAt: 0, dup: true, ep: "direct-a", digest: "Xk3-q0_a9ZbT" },
  { ev: "conn", user: 4, kind: "failed", ep: "direct-a", t: 1, reason: "closed\tby\npeer" },
  { ev: "lag", vu: 1, t: 2, ticks: 10, everyMs: 100, maxLateMs: 340, meanLateMs: 20 },
];

describe("client records on k6's console output", () => {
  it("decode to exactly the records the client wrote", () => {
    for (const event of EVENTS) expect(decodeRecord(encodeRecord(event))).toEqual(event);
  });

  it("arrive as batches: one console line carries many records, other lines carry none", () => {
    const batch = EVENTS.map(encodeRecord).join("\n");
    const line = JSON.stringify({ level: "info", msg: batch, time: "2026-01-01T00:00:00Z" });
    expect(parseClientEvents(line)).toEqual(EVENTS);
    expect(parseClientEvents(JSON.stringify({ level: "error", msg: "s\t1.1\t1\t2\t1\t5\tdirect-a\t", source: "stacktrace" }))).toEqual([]);
    expect(decodeRecord("s\t1.1\tnot-enough-fields")).toBeNull();
    expect(decodeRecord("x\tunknown")).toBeNull();
  });
});
