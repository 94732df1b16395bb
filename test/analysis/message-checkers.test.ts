import { describe, expect, it } from "vitest";
import { MESSAGE_CHECKERS, runMessageCheckers } from "../../harness/analysis/checkers/all-checkers.ts";
import type { CheckerInput, MessageChecker } from "../../harness/analysis/checkers/message-checker.ts";
import { blameAt, blameRedeliveryAt, faultWindows, windowAt } from "../../harness/analysis/fault-windows.ts";
import { faultRecovery } from "../../harness/analysis/fault-recovery.ts";
import { DEFAULT_RECOVERY_BAND } from "../../harness/analysis/recovery-band.ts";
import { combine } from "../../harness/checks/check-result.ts";
import { buildMessageRecords } from "../../harness/record/message-records.ts";
import { parseRelayJournal, relaySays } from "../../harness/record/relay-journal.ts";
import type { FaultRecord } from "../../harness/timeline/fault-timeline.ts";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";

const T0 = 1_000_000;
const fault = (event: "inject" | "heal", entry: number, kind: string, requestedAt: number, appliedAt: number): FaultRecord => ({ event, entry, kind, target: kind.startsWith("relay") ? "relay" : "all-paths", requestedAt, appliedAt, lastAppliedAt: appliedAt, ok: true });
// the default suite: latency from 20 s to 30 s, a relay crash from 40 s to 43 s
const FAULTS = [
  fault("inject", 0, "latency", T0 + 20_000, T0 + 20_004), fault("heal", 0, "latency", T0 + 30_000, T0 + 30_003),
  fault("inject", 1, "relay-crash", T0 + 40_000, T0 + 40_020), fault("heal", 1, "relay-crash", T0 + 43_000, T0 + 43_400),
];
const windows = faultWindows(FAULTS, 5000, T0 + 60_000);

/** A log: every message is sent, acked after 5 ms and shown after 20 ms, unless `edit` changes its events. */
function log(count: number, edit: (i: number, events: ClientEvent[]) => ClientEvent[] = (_, e) => e, from = 0, to = 1, step = 100): ClientEvent[] {
  const out: ClientEvent[] = [];
  for (let i = 0; i < count; i++) {
    const t = T0 + i * step;
    const id = `${from}.${i + 1}`;
    out.push(...edit(i, [
      { ev: "sent", id, from, to, seq: i + 1, t, ep: "direct-a" },
      { ev: "acked", id, t: t + 5, ep: "direct-a" },
      { ev: "delivered", id, from, to, t: t + 20, sentAt: t, dup: false, ep: "direct-a" },
    ]));
  }
  return out;
}

const input = (events: ClientEvent[], extra: Partial<CheckerInput> = {}): CheckerInput => ({ records: buildMessageRecords(events), windows, lateMs: 10_000, setupEnd: T0, cryptoMode: "full", atMostOnce: false, relaySays: () => null, relayRecordMissing: "none in this test", ...extra });

async function verdicts(events: ClientEvent[], extra: Partial<CheckerInput> = {}) {
  const { results, flagged } = await runMessageCheckers(input(events, extra), "steady/checks.json");
  return { status: Object.fromEntries(results.map((r) => [r.name, r.status])), results, flagged };
}

const ALL_PASS = { lost: "pass", "never-acknowledged": "pass", "duplicated-to-user": "pass", "redelivered-on-wire": "pass", "out-of-order": "pass", corrupted: "pass", late: "pass" };

describe("fault windows", () => {
  it("run from the inject applied to the heal applied plus the settle time", () => {
    expect(windows.map((w) => [w.label, w.from - T0, w.to - T0, w.recoveryFrom])).toEqual([
      ["timeline[0] latency", 20_004, 35_003, "heal"], ["timeline[1] relay-crash", 40_020, 48_400, "inject"],
    ]);
    expect([blameAt(windows, T0 + 20_003), blameAt(windows, T0 + 20_004), blameAt(windows, T0 + 35_002), blameAt(windows, T0 + 35_003)]).toEqual(["none", "timeline[0] latency", "timeline[0] latency", "none"]);
  });

  it("blame a redelivery that comes after a window's settle time on the last fault before it (a slow restart), and none before any fault", () => {
    expect([blameRedeliveryAt(windows, T0 + 10_000), blameRedeliveryAt(windows, T0 + 36_000), blameRedeliveryAt(windows, T0 + 41_000), blameRedeliveryAt(windows, T0 + 55_000)])
      .toEqual(["none", "timeline[0] latency", "timeline[1] relay-crash", "timeline[1] relay-crash"]);
  });

  it("give an overlap to the fault injected last", () => {
    const overlapping = faultWindows([fault("inject", 0, "latency", T0, T0), fault("inject", 1, "blackhole", T0 + 1000, T0 + 1000), fault("heal", 1, "blackhole", T0 + 2000, T0 + 2000)], 0, T0 + 10_000);
    expect([windowAt(overlapping, T0 + 500)?.entry, windowAt(overlapping, T0 + 1500)?.entry, windowAt(overlapping, T0 + 2500)?.entry]).toEqual([0, 1, 0]);
    expect(overlapping.map((w) => w.blocksPaths)).toEqual([false, true]);
  });

  it("blame a redelivery after the restart on the crash, not on the earlier latency fault", () => {
    // sent during the latency fault, shown at once, delivered again when users reconnect after the crash
    const events = log(1, (_, e) => [...e.map((x) => ({ ...x, t: x.t + 25_000 }) as ClientEvent), { ev: "delivered", id: "0.1", from: 0, to: 1, t: T0 + 44_100, sentAt: 0, dup: true, ep: "direct-b" }]);
    const records = buildMessageRecords(events);
    const [latency, crash] = windows.map((w) => faultRecovery({ records, events, window: w, windows, until: T0 + 60_000, users: 2, baseline: { successRate: 1, p95Ms: 30 }, band: DEFAULT_RECOVERY_BAND, leftForGood: new Map() }).messages);
    expect(latency).toEqual({ lostAfterAck: 0, duplicates: 0, neverAcked: 0 });
    expect(crash).toEqual({ lostAfterAck: 0, duplicates: 1, neverAcked: 0 });
  });
});

describe("message checkers", () => {
  it("all pass on a clean log, and combine to pass", async () => {
    const { status, results } = await verdicts(log(200));
    expect(status).toEqual(ALL_PASS);
    expect(combine(results)).toBe("pass");
    expect(results.find((r) => r.name === "lost")?.details).toMatchObject({ count: 0, checked: 200, ids: [] });
  });

  it("lost: acked, never delivered, with its id and the fault it was sent in", async () => {
    const { status, results, flagged } = await verdicts(log(300, (i, e) => (i === 7 || i === 250 ? e.slice(0, 2) : e)));
    expect(status).toEqual({ ...ALL_PASS, lost: "fail" });
    expect(flagged.lost).toEqual([{ id: "0.8", fault: "none" }, { id: "0.251", fault: "timeline[0] latency" }]);
    expect(results.find((r) => r.name === "lost")?.details).toMatchObject({ count: 2, byFault: { none: 1, "timeline[0] latency": 1 }, idsFile: "steady/checks.json" });
  });

  it("counts the flagged messages sent while the load generator was saturated, and only when it was", async () => {
    // lost: messages 8 (sent at 0.7 s), 121 (12 s) and 251 (25 s); the generator saturated from 10 s to 20 s
    const events = log(300, (i, e) => (i === 7 || i === 120 || i === 250 ? e.slice(0, 2) : e));
    const saturated = await verdicts(events, { generatorSaturated: [{ from: T0 + 10_000, to: T0 + 20_000 }] });
    expect(saturated.results.find((r) => r.name === "lost")?.details).toMatchObject({ count: 3, sentWhileGeneratorSaturated: 1 });
    expect(saturated.results.find((r) => r.name === "late")?.details).toMatchObject({ count: 0, sentWhileGeneratorSaturated: 0 });
    const kept = await verdicts(events, { generatorSaturated: [] });
    expect(kept.results.find((r) => r.name === "lost")?.details).not.toHaveProperty("sentWhileGeneratorSaturated");
  });

  it("lost and never acknowledged: each flagged id says what the relay's own journal says of it", async () => {
    const line = (e: string, id: string) => JSON.stringify({ e, from: "u0", id, to: "u1", t: T0 });
    const journal = parseRelayJournal([
      line("stored", "0.8"), // stored, never delivered
      line("stored", "0.9"), line("removed", "0.9"), // removed by an ack before any delivery (another sender's ack, say)
      line("stored", "0.10"), line("delivered", "0.10"), line("delivered", "0.10"),
      '{"e":"stored","from":"u0","id":"0.', // a torn last line of a killed relay
    ].join("\n"));
    const events = log(20, (i, e) => (i === 7 || i === 8 || i === 9 || i === 10 ? e.slice(0, 2) : i === 11 ? e.slice(0, 1) : e));
    const { results, flagged } = await verdicts(events, { relaySays: (r) => relaySays(journal, `u${r.from}`, r.id), relayRecordMissing: null });
    expect(flagged.lost).toEqual([
      { id: "0.8", fault: "none", relay: "stored, never delivered" },
      { id: "0.9", fault: "none", relay: "removed by an ack before any delivery" },
      { id: "0.10", fault: "none", relay: "stored, delivered 2 times" },
      { id: "0.11", fault: "none", relay: "never stored" },
    ]);
    expect(flagged["never-acknowledged"]).toEqual([{ id: "0.12", fault: "none", relay: "never stored" }]);
    expect(results.find((r) => r.name === "lost")?.details.relaySays).toEqual({
      "stored, never delivered": 1, "removed by an ack before any delivery": 1, "stored, delivered 2 times": 1, "never stored": 1,
    });
    // a journal that reached its size limit cannot say "never stored"; a relay without one says why
    expect(relaySays(parseRelayJournal(`${line("stored", "0.1")}\n{"e":"full","maxBytes":1024}\n`), "u0", "0.2")).toMatch(/size limit/);
    const without = await verdicts(log(20, (i, e) => (i === 7 ? e.slice(0, 2) : e)));
    expect(without.flagged.lost).toEqual([{ id: "0.8", fault: "none" }]);
    expect(without.results.find((r) => r.name === "lost")?.details.relaySays).toBe("not available: none in this test");
  });

  it("corrupted: a decrypt failure is corrupted, never lost", async () => {
    const { status, flagged } = await verdicts(log(50, (i, e) => (i === 3 ? [e[0], e[1], { ev: "decrypt_failed", id: "0.4", from: "u0", to: 1, t: e[2].t, reason: "OperationError" }] : e)));
    expect(status).toEqual({ ...ALL_PASS, corrupted: "fail" });
    expect(flagged.corrupted).toEqual([{ id: "0.4", fault: "none" }]);
    expect(flagged.lost).toEqual([]);
  });

  it("tells a redelivery on the wire (reported) from a message shown twice (a failure)", async () => {
    const wire = await verdicts(log(50, (i, e) => (i === 5 ? [...e, { ...(e[2] as Extract<ClientEvent, { ev: "delivered" }>), t: e[2].t + 50, dup: true }] : e)));
    expect(wire.status).toEqual(ALL_PASS);
    expect(wire.flagged["redelivered-on-wire"]).toEqual([{ id: "0.6", fault: "none" }]);
    expect((await verdicts(log(50, (i, e) => (i === 5 ? [...e, { ...(e[2] as Extract<ClientEvent, { ev: "delivered" }>), t: e[2].t + 50, dup: true }] : e)), { atMostOnce: true })).status["redelivered-on-wire"]).toBe("fail");
    const shown = await verdicts(log(50, (i, e) => (i === 9 ? [...e, { ...e[2], t: e[2].t + 50 }] : e)));
    expect(shown.status).toEqual({ ...ALL_PASS, "duplicated-to-user": "fail" });
    expect(shown.flagged["duplicated-to-user"]).toEqual([{ id: "0.10", fault: "none" }]);
  });

  it("corrupted: a copy whose bytes differ from the copy shown is corrupted, whether the dedupe dropped it or showed it; an identical copy is only redelivered", async () => {
    type Delivered = Extract<ClientEvent, { ev: "delivered" }>;
    const copy = (e: ClientEvent, dt: number, digest: string, dup = true): Delivered => ({ ...(e as Delivered), t: e.t + dt, dup, digest });
    const events = log(20, (i, e) => {
      const shown = { ...(e[2] as Delivered), digest: `body-${i}` };
      // 0.3: an altered copy dropped by the dedupe, logged before the showing (whose decrypt was still running)
      if (i === 2) return [e[0], e[1], copy(e[2], -5, "flipped-byte"), shown];
      // 0.6: an identical copy, out of its conversation's order (0.7 to 0.9 were shown before it)
      if (i === 5) return [e[0], e[1], shown];
      if (i === 9) return [...e.slice(0, 2), { ...(e[2] as Delivered), digest: `body-${i}` }, copy({ ...(e[2] as Delivered), id: "0.6" }, 1, "body-5")];
      // 0.12: an altered copy that the dedupe let through (shown twice)
      if (i === 11) return [e[0], e[1], shown, copy(e[2], 30, "flipped-byte", false)];
      return [e[0], e[1], shown];
    });
    const { status, flagged, results } = await verdicts(events);
    expect(status).toEqual({ ...ALL_PASS, corrupted: "fail", "duplicated-to-user": "fail" });
    expect(flagged.corrupted).toEqual([{ id: "0.3", fault: "none" }, { id: "0.12", fault: "none" }]);
    expect(flagged["redelivered-on-wire"]).toEqual([{ id: "0.3", fault: "none" }, { id: "0.6", fault: "none" }]);
    expect(flagged["out-of-order"]).toEqual([]);
    expect(results.find((r) => r.name === "corrupted")?.details).toMatchObject({ count: 2, decryptFailed: 0, alteredCopy: 2 });
  });

  it("corrupted: an altered copy is blamed on the fault in force when it arrived, and is seen in crypto mode opaque too", async () => {
    const events = log(3, (i, e) => {
      const shown = { ...(e[2] as Extract<ClientEvent, { ev: "delivered" }>), digest: "body" };
      return i === 1 ? [e[0], e[1], shown, { ...shown, t: T0 + 41_000, dup: true, digest: "altered" }] : [e[0], e[1], shown];
    });
    const full = await verdicts(events);
    expect(full.flagged.corrupted).toEqual([{ id: "0.2", fault: "timeline[1] relay-crash" }]);
    const opaque = await verdicts(events, { cryptoMode: "opaque" });
    expect(opaque.status.corrupted).toBe("fail");
    expect(opaque.flagged.corrupted).toEqual(full.flagged.corrupted);
  });

  it("out of order: flags the message shown after one of its conversation that was acknowledged later", async () => {
    // 0.3 is held back and shown after 0.4; another conversation interleaves and stays in order
    const a = log(6, (i, e) => (i === 2 ? e.slice(0, 2) : i === 3 ? [...e, { ev: "delivered", id: "0.3", from: 0, to: 1, t: e[2].t + 1, sentAt: 0, dup: false, ep: "direct-a" }] : e));
    const b = log(6, undefined, 2, 1, 100);
    const { status, flagged } = await verdicts([...a, ...b]);
    expect(status).toEqual({ ...ALL_PASS, "out-of-order": "fail" });
    expect(flagged["out-of-order"]).toEqual([{ id: "0.3", fault: "none" }]);
  });

  it("never acknowledged: sent and retried, no ack; a refusal with an error is not counted", async () => {
    const { status, flagged } = await verdicts(log(20, (i, e) => (i === 2 ? [e[0], { ev: "resent", id: "0.3", t: e[0].t + 900, ep: "direct-b" }] : i === 4 ? [e[0], { ev: "send_rejected", id: "0.5", t: e[0].t + 1, code: "too_many_recipients" }] : e)));
    expect(status).toEqual({ ...ALL_PASS, "never-acknowledged": "fail" });
    expect(flagged["never-acknowledged"]).toEqual([{ id: "0.3", fault: "none" }]);
  });

  it("late: fails for a late message no fault explains, reports the ones a fault delayed", async () => {
    const late = (i: number, e: ClientEvent[]) => (i === 1 || i === 380 ? [e[0], e[1], { ...e[2], t: e[0].t + 12_000 }] : e);
    const { status, flagged, results } = await verdicts(log(400, late));
    expect(status).toEqual({ ...ALL_PASS, late: "fail" });
    expect(flagged.late).toEqual([{ id: "0.2", fault: "none" }, { id: "0.381", fault: "timeline[1] relay-crash" }]);
    expect(results.find((r) => r.name === "late")?.details).toMatchObject({ unexplained: 1, boundMs: 10_000 });
  });

  it("late: a message sent before the sessions were up is blamed on set-up, not failed", async () => {
    const events = log(5, (i, e) => (i === 1 ? [e[0], e[1], { ...e[2], t: e[0].t + 12_000 }] : e));
    const { status, flagged } = await verdicts(events, { setupEnd: T0 + 150 });
    expect(status.late).toBe("pass");
    expect(flagged.late).toEqual([{ id: "0.2", fault: "set-up" }]);
  });

  it("lists the first 1,000 ids in the result and keeps all of them for the file", async () => {
    const { results, flagged } = await verdicts(log(1500, (_, e) => e.slice(0, 2), 0, 1, 1));
    expect(flagged.lost).toHaveLength(1500);
    expect(results.find((r) => r.name === "lost")?.details).toMatchObject({ count: 1500, idsTruncated: true });
    expect((results.find((r) => r.name === "lost")?.details.ids as unknown[]).length).toBe(1000);
  });

  it("gives unknown, never pass, for a checker that throws, for nothing to check, and for corruption in opaque mode", async () => {
    const broken: MessageChecker = { name: "broken", check: () => { throw new Error("boom"); } };
    const { results } = await runMessageCheckers(input(log(3)), null, [...MESSAGE_CHECKERS, broken]);
    expect(results.find((r) => r.name === "broken")).toEqual({ name: "broken", status: "unknown", details: { error: { message: "boom", name: "Error" } } });
    expect(combine(results)).toBe("unknown");
    expect((await verdicts([])).status.lost).toBe("unknown");
    expect((await verdicts(log(3), { cryptoMode: "opaque" })).status.corrupted).toBe("unknown");
  });
});
