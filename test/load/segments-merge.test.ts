import { describe, expect, it } from "vitest";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import { clockEstimate } from "../../scenarios/lib/clock-estimate.ts";
import { buildMessageRecords } from "../../harness/record/message-records.ts";
import { clockCorrections, clockOf, type ClockRecord } from "../../harness/load/segments/clock-correction.ts";
import { combinedExitCode } from "../../harness/load/segments/instance-outcome.ts";
import { mergeInstanceEvents } from "../../harness/load/segments/merge-instances.ts";

const T = 1_700_000_000_000;

/** Two instances on one true clock: alice (instance 0) sends to bob (instance 1) and the reverse. */
function trueLogs(): ClientEvent[][] {
  return [
    [
      { ev: "clock", t: T, offsetMs: 3, boundMs: 1, samples: 5 },
      { ev: "sent", id: "0.1", from: 0, to: 1, seq: 1, t: T + 100, ep: "direct-a" },
      { ev: "acked", id: "0.1", t: T + 104, ep: "direct-a" },
      { ev: "delivered", id: "1.1", from: 1, to: 0, t: T + 260, sentAt: T + 250, dup: false, ep: "direct-a" },
    ],
    [
      { ev: "clock", t: T, offsetMs: 3, boundMs: 2, samples: 5 },
      { ev: "delivered", id: "0.1", from: 0, to: 1, t: T + 108, sentAt: T + 100, dup: false, ep: "direct-a" },
      { ev: "sent", id: "1.1", from: 1, to: 0, seq: 1, t: T + 250, ep: "direct-a" },
      { ev: "acked", id: "1.1", t: T + 255, ep: "direct-a" },
    ],
  ];
}

/** What instance 1 writes when its clock runs `shiftMs` ahead: every time later, its measured offset smaller by as much. */
function shifted(events: ClientEvent[], shiftMs: number): ClientEvent[] {
  return events.map((e) => (e.ev === "clock" ? { ...e, t: e.t + shiftMs, offsetMs: e.offsetMs - shiftMs } : { ...e, t: e.t + shiftMs }));
}

describe("merging k6 instances' records", () => {
  it("tags every record with its instance and orders the log by time", () => {
    const merged = mergeInstanceEvents(trueLogs(), [0, 0]) as (ClientEvent & { instance: number })[];
    expect(merged.map((e) => e.t)).toEqual([...merged.map((e) => e.t)].sort((a, b) => a - b));
    expect(merged.filter((e) => e.ev === "sent").map((e) => [("id" in e ? e.id : ""), e.instance])).toEqual([["0.1", 0], ["1.1", 1]]);
  });

  it("hands one instance's records over untouched", () => {
    const one = trueLogs()[0];
    expect(mergeInstanceEvents([one], [0])).toBe(one);
  });

  it("keeps one VU's records in their written order when their times are equal", () => {
    const a: ClientEvent = { ev: "acked", id: "x", t: T, ep: "a" };
    const b: ClientEvent = { ev: "acked", id: "y", t: T, ep: "a" };
    expect(mergeInstanceEvents([[a, b], []], [0, 0]).map((e) => ("id" in e ? e.id : ""))).toEqual(["x", "y"]);
  });
});

describe("clock offset between k6 instances", () => {
  it("estimates the offset from the challenge exchange with the shortest round trip", () => {
    expect(clockEstimate([{ t0: 100, serverTime: 1110, t3: 120 }, { t0: 200, serverTime: 1204, t3: 204 }])).toEqual({ offsetMs: 1002, boundMs: 2, samples: 2 });
    expect(clockEstimate([])).toBeNull();
  });

  it("leaves instances whose clocks cannot be told apart uncorrected, and states the bound", () => {
    const clock = clockCorrections(trueLogs().map(clockOf));
    expect(clock.corrections.map((c) => c.correctionMs)).toEqual([0, 0]);
    expect(clock.residualBoundMs).toBe(3);
  });

  it("corrects a deliberately shifted clock to within the stated bound", () => {
    const truth = trueLogs();
    for (const shiftMs of [5000, -250, 37]) {
      const logs = [truth[0], shifted(truth[1], shiftMs)];
      const clock = clockCorrections(logs.map(clockOf));
      expect(clock.corrections[1].correctionMs).toBe(-shiftMs);
      const merged = mergeInstanceEvents(logs, clock.corrections.map((c) => c.correctionMs));
      const expected = mergeInstanceEvents(truth, [0, 0]);
      expect(merged.length).toBe(expected.length);
      merged.forEach((e, i) => expect(Math.abs(e.t - expected[i].t)).toBeLessThanOrEqual(clock.residualBoundMs!));
      // the per-message view is the unshifted one: latencies positive, as measured on one clock
      const records = buildMessageRecords(merged);
      expect(Object.fromEntries(records.map((r) => [r.id, r.latencyMs]))).toEqual({ "0.1": 8, "1.1": 10 });
    }
  });

  it("without the correction a shifted clock gives impossible latencies", () => {
    const logs = [trueLogs()[0], shifted(trueLogs()[1], -250)];
    const records = buildMessageRecords(mergeInstanceEvents(logs, [0, 0]));
    expect(records.find((r) => r.id === "0.1")!.latencyMs).toBe(-242);
  });

  it("says the bound is unknown when an instance measured nothing", () => {
    const noClock = trueLogs()[1].filter((e) => e.ev !== "clock");
    const clock = clockCorrections([clockOf(trueLogs()[0]), clockOf(noClock)] as (ClockRecord | null)[]);
    expect(clock.residualBoundMs).toBeNull();
    expect(clock.corrections[1]).toMatchObject({ measured: null, correctionMs: 0 });
  });
});

describe("one exit code for several k6 instances", () => {
  it("is 0 only when every instance met its thresholds", () => {
    expect(combinedExitCode([0, 0])).toBe(0);
    expect(combinedExitCode([0, 99])).toBe(99);
    // one instance aborted on a threshold (abortOnFail), the harness stopped the other
    expect(combinedExitCode([99, 105])).toBe(99);
    expect(combinedExitCode([0, 107])).toBe(107);
    expect(combinedExitCode([0, null])).toBeNull();
  });
});
