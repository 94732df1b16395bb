import { describe, expect, it } from "vitest";
import { connEvents, pathShare, peakRate, timeUntilConnected } from "../../harness/analysis/connection-timeline.ts";
import { faultRecovery } from "../../harness/analysis/fault-recovery.ts";
import { faultWindows } from "../../harness/analysis/fault-windows.ts";
import { DEFAULT_RECOVERY_BAND } from "../../harness/analysis/recovery-band.ts";
import { timeToRecover } from "../../harness/analysis/time-to-recover.ts";
import type { MessageRecord } from "../../harness/record/message-records.ts";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";

const T0 = 1_000_000;
let n = 0;
function message(sentAt: number, latencyMs: number | null, acked = true): MessageRecord {
  return {
    id: `m${n++}`, from: 0, to: 1, seq: n, tag: null, sentAt, sentVia: "direct-a", resends: 0, ackedAt: acked ? sentAt + 5 : null, ackedVia: acked ? "direct-a" : null,
    deliveries: latencyMs === null ? [] : [sentAt + latencyMs], shownAt: latencyMs === null ? [] : [sentAt + latencyMs], redeliveredAt: [], alteredAt: [], ackOrder: acked ? n : null, shownOrder: latencyMs === null ? null : n, deliveredVia: latencyMs === null ? null : "direct-a", latencyMs, decryptFailed: false, rejected: null,
  };
}
/** ten messages a second from `from` to `to`, each with the latency `latency(t)` gives */
function traffic(from: number, to: number, latency: (t: number) => number | null): MessageRecord[] {
  const out = [];
  for (let t = from; t < to; t += 100) out.push(message(t, latency(t)));
  return out;
}
const baseline = { successRate: 1, p95Ms: 40 };

describe("time to recover", () => {
  it("is measured from the reference to the first 100 ms step from which the band holds for the hold time", () => {
    const heal = T0 + 10_000;
    const records = traffic(T0, T0 + 40_000, (t) => (t < heal + 7_300 ? 900 : 30));
    const result = timeToRecover(records, heal, T0 + 40_000, baseline, DEFAULT_RECOVERY_BAND);
    expect(result).toEqual({ recovered: true, ttrMs: 7_300, recoveredAt: heal + 7_300, p95LimitMs: 100 });
  });

  it("does not count a short good spell that does not hold", () => {
    const heal = T0;
    const records = traffic(T0, T0 + 30_000, (t) => (t - heal < 2000 ? 30 : t - heal < 5000 ? 800 : 30));
    expect(timeToRecover(records, heal, T0 + 30_000, baseline, DEFAULT_RECOVERY_BAND)).toMatchObject({ recovered: true, ttrMs: 5000 });
  });

  it("treats undelivered messages as failures of delivery success", () => {
    const records = traffic(T0, T0 + 20_000, (t) => ((t - T0) % 1000 === 0 && t < T0 + 12_000 ? null : 30));
    expect(timeToRecover(records, T0, T0 + 20_000, baseline, DEFAULT_RECOVERY_BAND)).toMatchObject({ recovered: true, ttrMs: 11_100 });
  });

  it("reports a run that never recovers, with how far it got, and no number", () => {
    const records = traffic(T0, T0 + 20_000, () => 500);
    const result = timeToRecover(records, T0, T0 + 20_000, baseline, DEFAULT_RECOVERY_BAND);
    expect(result).toMatchObject({ recovered: false, bestSuccessRate: 1, bestP95Ms: 500, p95LimitMs: 100 });
    expect(result).not.toHaveProperty("ttrMs");
    if (!result.recovered) expect(result.reason).toMatch(/never held success >= 99% and p95 <= 100 ms for 5000 ms/);
  });

  it("resolves recovery to 100 ms, whatever the bucket width", () => {
    for (const offset of [0, 100, 250, 730, 999]) {
      const heal = T0 + 5_000;
      const good = heal + 3_000 + offset;
      const records = traffic(T0, T0 + 30_000, (t) => (t < good ? 900 : 30));
      const result = timeToRecover(records, heal, T0 + 30_000, baseline, DEFAULT_RECOVERY_BAND);
      expect(result.recovered && Math.abs(result.ttrMs - (good - heal))).toBeLessThanOrEqual(100);
    }
  });

  it("says so when there is no baseline to compare with", () => {
    expect(timeToRecover(traffic(T0, T0 + 10_000, () => 30), T0, T0 + 10_000, { successRate: null, p95Ms: null }, DEFAULT_RECOVERY_BAND)).toMatchObject({ recovered: false, reason: expect.stringMatching(/no baseline/) });
  });
});

describe("connections over time", () => {
  const conn = (user: number, kind: Extract<ClientEvent, { ev: "conn" }>["kind"], ep: string, t: number): ClientEvent => ({ ev: "conn", user, kind, ep, t });
  const events = connEvents([
    conn(0, "ready", "direct-a", T0), conn(1, "ready", "direct-a", T0), conn(2, "ready", "direct-b", T0),
    conn(0, "dropped", "direct-a", T0 + 2000), conn(1, "dropped", "direct-a", T0 + 2000),
    conn(0, "connecting", "proxy-1", T0 + 3000), conn(0, "ready", "proxy-1", T0 + 3100),
    conn(1, "connecting", "proxy-1", T0 + 3000), conn(1, "ready", "proxy-1", T0 + 5100),
  ]);

  it("shows who is connected through which path each second", () => {
    const share = pathShare(events, T0, T0 + 6000);
    expect(share[0]).toEqual({ t: T0, connected: 3, byPath: { "direct-a": 2, "direct-b": 1 } });
    expect(share[2]).toEqual({ t: T0 + 2000, connected: 1, byPath: { "direct-b": 1 } });
    expect(share[4]).toEqual({ t: T0 + 4000, connected: 2, byPath: { "direct-b": 1, "proxy-1": 1 } });
    expect(share[6]).toEqual({ t: T0 + 6000, connected: 3, byPath: { "direct-b": 1, "proxy-1": 2 } });
    expect(timeUntilConnected(share, 3, 0.99, T0 + 2000)).toBe(4000);
    expect(timeUntilConnected(share, 4, 0.99, T0 + 2000)).toBeNull();
  });

  it("finds the peak rate of reconnects", () => {
    expect(peakRate(events, "ready", T0, T0 + 6000)).toBe(3);
    expect(peakRate(events, "ready", T0 + 1000, T0 + 6000)).toBe(1);
  });
});

describe("fault recovery", () => {
  it("measures a crash from the kill, and drains the backlog sent during it", () => {
    const kill = T0 + 10_000;
    const start = T0 + 13_000;
    const records = traffic(T0, T0 + 30_000, (t) => (t >= kill && t < start ? start + 500 - t : 30));
    const inject = { event: "inject" as const, entry: 0, kind: "relay-crash", target: "relay", requestedAt: kill - 2, appliedAt: kill, lastAppliedAt: kill, ok: true };
    const heal = { ...inject, event: "heal" as const, requestedAt: start - 100, appliedAt: start, lastAppliedAt: start };
    const windows = faultWindows([inject, heal], DEFAULT_RECOVERY_BAND.settleMs, T0 + 30_000);
    const result = faultRecovery({ records, events: [], window: windows[0], windows, until: T0 + 30_000, users: 10, baseline, band: DEFAULT_RECOVERY_BAND, leftForGood: new Map() });
    expect(result.reference).toBe("inject");
    expect(result.recovery).toMatchObject({ recovered: true, ttrMs: 3000 });
    expect(result.backlog).toEqual({ sent: 30, undelivered: 0, drainMs: 500 });
    expect(result.messages).toEqual({ lostAfterAck: 0, duplicates: 0, neverAcked: 0 });
  });
});
