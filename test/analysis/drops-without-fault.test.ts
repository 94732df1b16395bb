import { describe, expect, it } from "vitest";
import type { ConnEvent } from "../../harness/analysis/connection-timeline.ts";
import { dropsWithoutFault } from "../../harness/analysis/drops-without-fault.ts";
import { faultWindows } from "../../harness/analysis/fault-windows.ts";
import type { FaultRecord } from "../../harness/timeline/fault-timeline.ts";
import type { TimelineEntry } from "../../harness/timeline/timeline-entry.ts";

const T0 = 1_000_000;
const record = (event: "inject" | "heal", entry: number, kind: string, target: string, at: number, requestedAt = at): FaultRecord => ({ event, entry, kind, target, requestedAt, appliedAt: at, lastAppliedAt: at, ok: true });
const entry = (index: number, kind: string, target: string, paths: string[]): TimelineEntry => ({ index, atMs: 0, forMs: 10_000, kind, target, paths, direction: "both", toxicity: 1, params: {} });
const drop = (t: number, ep: string, reason = "silent for more than 4000 ms", user = 1): ConnEvent => ({ ev: "conn", user, kind: "dropped", ep, t, reason });

describe("drops without a fault", () => {
  // a blackhole on the direct paths from +10 s to +20 s (settle 2 s), a relay crash requested at +39 s, in effect from +40 s to +41 s
  const timeline = [entry(0, "blackhole", "direct", ["direct-a", "direct-b"]), entry(1, "relay-crash", "relay", [])];
  const windows = faultWindows([
    record("inject", 0, "blackhole", "direct", T0 + 10_000), record("heal", 0, "blackhole", "direct", T0 + 20_000),
    record("inject", 1, "relay-crash", "relay", T0 + 40_000, T0 + 39_000), record("heal", 1, "relay-crash", "relay", T0 + 41_000),
  ], 2000, T0 + 60_000);

  it("counts only drops on a path no fault in force reaches, by path and reason", () => {
    const drops = dropsWithoutFault([
      drop(T0 + 5_000, "proxy-2", "closed by peer", 7), // before any fault
      drop(T0 + 12_000, "direct-a"), // the blackhole's path: the fault's doing
      drop(T0 + 15_000, "proxy-2"), // during the blackhole, on a path it does not touch
      drop(T0 + 21_500, "direct-b"), // in the blackhole's settle time
      drop(T0 + 39_500, "proxy-1", "closed by peer"), // the crash reaches every path, from its request on
      drop(T0 + 50_000, "proxy-1"),
      { ev: "conn", user: 2, kind: "failed", ep: "proxy-2", t: T0 + 51_000, reason: "no answer" },
    ], windows, timeline);
    expect(drops.count).toBe(3);
    expect(drops.byPath).toEqual({ "proxy-2": 2, "proxy-1": 1 });
    expect(drops.byReason).toEqual({ "closed by peer": 1, "silent for more than 4000 ms": 2 });
    expect(drops.first).toEqual({ t: T0 + 5_000, user: 7, path: "proxy-2", reason: "closed by peer" });
  });

  it("is zero with no drops", () => {
    expect(dropsWithoutFault([], windows, timeline)).toEqual({ count: 0, byPath: {}, byReason: {}, first: null });
  });
});
