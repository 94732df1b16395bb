// The fault timeline against a stand-in environment: a zero-length relay restart heals after its
// inject even when the two are due at the same moment and the clock moves between reading them
// (Node fires a timer with a 1 ms shorter delay first; a heal before its inject does nothing); a
// fault over several paths is applied to all of them at once, and its record holds the first and
// the last time it took effect.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Environment, RelayControl } from "../../harness/environments/environment.ts";
import type { NetworkControl, Toxic } from "../../harness/environments/network-control.ts";
import { FaultTimeline, type FaultRecord } from "../../harness/timeline/fault-timeline.ts";
import type { TimelineEntry } from "../../harness/timeline/timeline-entry.ts";
import { validateTimeline } from "../../harness/timeline/validate-timeline.ts";

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

  it("applies a fault over several paths to all of them at once, recording when the first and the last took effect", async () => {
    const calls: string[] = [];
    const delayMs: Record<string, number> = { "direct-a": 20, "direct-b": 120 };
    const slowly = (what: string, path: string) => async () => {
      calls.push(`start ${what} ${path}`);
      await new Promise((r) => setTimeout(r, delayMs[path]));
      calls.push(`end ${what} ${path}`);
    };
    const added: { path: string; toxic: Toxic }[] = [];
    const network = {
      addToxic: (path: string, toxic: Toxic) => (added.push({ path, toxic }), slowly("add", path)()),
      removeToxic: (path: string) => slowly("remove", path)(),
    } as unknown as NetworkControl;
    const [entry] = validateTimeline([{ at: "0s", for: "0s", target: "direct", fault: { kind: "latency", latencyMs: 250, jitterMs: 10 } }], "suite.json");
    const records: FaultRecord[] = [];
    const timeline = new FaultTimeline([entry!], { network } as unknown as Environment, (r) => records.push(r));
    timeline.start(Date.now());
    await vi.waitFor(() => expect(records).toHaveLength(2), { timeout: 2000 });

    expect(calls.slice(0, 4)).toEqual(["start add direct-a", "start add direct-b", "end add direct-a", "end add direct-b"]);
    expect(added).toEqual(["direct-a", "direct-b"].map((path) => ({ path, toxic: { name: "t0-latency-downstream", type: "latency", stream: "downstream", toxicity: 1, attributes: { latency: 250, jitter: 10 } } })));
    const [inject, heal] = records;
    expect(inject).toMatchObject({ event: "inject", ok: true });
    expect(inject!.appliedAt - inject!.requestedAt).toBeGreaterThanOrEqual(delayMs["direct-a"]! - 1);
    expect(inject!.lastAppliedAt - inject!.appliedAt, "direct-b took effect ~100 ms after direct-a").toBeGreaterThanOrEqual(80);
    expect(heal).toMatchObject({ event: "heal", ok: true });
    expect(heal!.lastAppliedAt).toBeGreaterThan(heal!.appliedAt);
  });

  it("records a relay fault's single moment as both its first and its last", async () => {
    const relay = { kill: async () => {}, start: async () => {} } as unknown as RelayControl;
    const [entry] = validateTimeline([{ at: "0s", target: "relay", fault: { kind: "relay-crash" } }], "suite.json");
    const records: FaultRecord[] = [];
    new FaultTimeline([entry!], { relay } as unknown as Environment, (r) => records.push(r)).start(Date.now());
    await vi.waitFor(() => expect(records).toHaveLength(1));
    expect(records[0]!.lastAppliedAt).toBe(records[0]!.appliedAt);
  });
});
