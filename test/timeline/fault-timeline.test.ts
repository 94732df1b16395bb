// The fault timeline against a stand-in environment: a zero-length relay restart heals after its
// inject even when the two are due at the same moment and the clock moves between reading them
// (Node fires a timer with a 1 ms shorter delay first; a heal before its inject does nothing).
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Environment, RelayControl } from "../../harness/environments/environment.ts";
import { FaultTimeline, type FaultRecord } from "../../harness/timeline/fault-timeline.ts";
import type { TimelineEntry } from "../../harness/timeline/timeline-entry.ts";

afterEach(() => vi.restoreAllMocks());

describe("the fault timeline", () => {
  it("heals a zero-length relay restart after its inject, with the relay started again", async () => {
    const calls: string[] = [];
    const relay = { terminate: async () => void calls.push("terminate"), start: async () => void calls.push("start") } as unknown as RelayControl;
    const env = { relay } as unknown as Environment;
    const entry: TimelineEntry = { index: 0, atMs: 20, forMs: 0, kind: "relay-restart", target: "relay", paths: [], direction: "downstream", toxicity: 1, params: {} };
    const records: FaultRecord[] = [];
    const timeline = new FaultTimeline([entry], env, (r) => records.push(r));
    // every read of the clock is 1 ms later than the one before: the heal's delay comes out shorter
    const real = Date.now();
    let reads = 0;
    vi.spyOn(Date, "now").mockImplementation(() => real + reads++);
    timeline.start(real);
    await new Promise((r) => setTimeout(r, 100));
    expect(records.map((r) => `${r.event} ${r.ok}`)).toEqual(["inject true", "heal true"]);
    expect(calls).toEqual(["terminate", "start"]);
    expect(timeline.active()).toEqual([]);
  });
});
