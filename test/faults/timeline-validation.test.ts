import { describe, expect, it } from "vitest";
import { InputError } from "../../harness/errors.ts";
import { describeSetting, settingNames } from "../../harness/faults/fault-settings.ts";
import { FAULT_KINDS } from "../../harness/faults/registry.ts";
import { parseDurationMs } from "../../harness/timeline/duration.ts";
import { validateTimeline } from "../../harness/timeline/validate-timeline.ts";

const bad = (timeline: unknown) => {
  try {
    validateTimeline(timeline, "suite.json");
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("the timeline was accepted");
};

describe("fault registry", () => {
  it("registers every fault kind the engine offers, each with inject and heal", () => {
    expect(Object.keys(FAULT_KINDS).sort()).toEqual(["bandwidth", "blackhole", "latency", "relay-crash", "relay-pause", "relay-restart", "reset", "slicer"]);
    for (const [name, kind] of Object.entries(FAULT_KINDS)) {
      expect(kind.kind).toBe(name);
      expect(typeof kind.inject).toBe("function");
      expect(typeof kind.heal).toBe("function");
    }
  });
});

describe("timeline validation", () => {
  it("reads entries top to bottom, with defaults for direction, toxicity and settings", () => {
    const [latency, crash] = validateTimeline([
      { at: "30s", for: "10s", target: "direct", fault: { kind: "latency", latencyMs: 200 } },
      { at: "1m", target: "relay", fault: { kind: "relay-crash" } },
    ], "suite.json");
    expect(latency).toEqual({ index: 0, atMs: 30_000, forMs: 10_000, kind: "latency", target: "direct", paths: ["direct-a", "direct-b"], direction: "downstream", toxicity: 1, params: { latencyMs: 200, jitterMs: 0 } });
    expect(crash).toMatchObject({ index: 1, atMs: 60_000, forMs: null, kind: "relay-crash", paths: [] });
  });

  it("names the file, the entry and the allowed kinds for an unknown kind", () => {
    expect(bad([{ at: "1s", target: "direct-a", fault: { kind: "earthquake" } }])).toMatch(/^suite\.json: timeline\[0\]\.fault\.kind: unknown fault kind 'earthquake'; allowed: latency, bandwidth, slicer, reset, blackhole, relay-restart, relay-crash, relay-pause$/);
  });

  it("rejects a bad duration naming the field", () => {
    expect(bad([{ at: "1s", target: "direct-a", fault: { kind: "latency" } }, { at: "soon", target: "relay", fault: { kind: "relay-crash" } }])).toMatch(/timeline\[1\]\.at: "soon" is not a duration; allowed: a number with a unit/);
    expect(bad([{ target: "relay", fault: { kind: "relay-crash" } }])).toMatch(/timeline\[0\]\.at: missing/);
  });

  it("rejects an unknown target and a relay fault aimed at a path", () => {
    expect(bad([{ at: "1s", target: "direct-z", fault: { kind: "latency" } }])).toMatch(/timeline\[0\]\.target: unknown target "direct-z"; allowed: direct-a, direct-b, proxy-1, proxy-2, all-paths, direct, proxies/);
    expect(bad([{ at: "1s", target: "direct-a", fault: { kind: "relay-pause" } }])).toMatch(/acts on the relay; allowed: relay/);
  });

  it("rejects settings out of range, unknown settings, directions and toxicity", () => {
    expect(bad([{ at: "1s", target: "all-paths", fault: { kind: "latency", latencyMs: -5 } }])).toMatch(/fault\.latencyMs: -5 is not allowed; allowed: a number from 0 to 600000/);
    expect(bad([{ at: "1s", target: "all-paths", fault: { kind: "latency", latency: 5 } }])).toMatch(/fault\.latency: unknown setting for 'latency'; allowed: latencyMs, jitterMs/);
    expect(bad([{ at: "1s", target: "all-paths", fault: { kind: "reset", mode: "drop" } }])).toMatch(/fault\.mode: "drop" is not allowed; allowed: refuse, reset_peer/);
    expect(bad([{ at: "1s", target: "all-paths", direction: "sideways", fault: { kind: "latency" } }])).toMatch(/direction: 'sideways' is not allowed; allowed: upstream, downstream, both/);
    expect(bad([{ at: "1s", target: "all-paths", toxicity: 2, fault: { kind: "latency" } }])).toMatch(/toxicity: 2 is not allowed/);
    expect(bad([{ at: "1s", target: "all-paths", when: "now", fault: { kind: "latency" } }])).toMatch(/timeline\[0\]\.when: unknown field/);
  });

  it("accepts only the envelope fields a kind honours", () => {
    expect(bad([{ at: "1s", target: "relay", toxicity: 0.5, fault: { kind: "relay-pause" } }])).toMatch(/^suite\.json: timeline\[0\]\.toxicity: fault 'relay-pause' does not use toxicity; allowed fields for it: at, for, target, fault$/);
    expect(bad([{ at: "1s", target: "direct-a", direction: "upstream", fault: { kind: "blackhole" } }])).toMatch(/timeline\[0\]\.direction: fault 'blackhole' does not use direction; allowed fields for it: at, for, target, fault, toxicity$/);
    // reset honours them in mode reset_peer only: mode refuse (its default) disables the whole proxy
    expect(validateTimeline([{ at: "1s", target: "direct-a", direction: "upstream", toxicity: 0.5, fault: { kind: "reset", mode: "reset_peer" } }], "suite.json")[0]).toMatchObject({ direction: "upstream", toxicity: 0.5 });
    expect(bad([{ at: "1s", target: "direct-a", direction: "upstream", fault: { kind: "reset" } }])).toMatch(/^suite\.json: timeline\[0\]\.direction: fault 'reset' cannot honour direction here: mode 'refuse' disables the whole proxy: every connection, both directions; direction and toxicity need mode 'reset_peer'$/);
    expect(bad([{ at: "1s", target: "direct-a", toxicity: 0.5, fault: { kind: "reset", mode: "refuse" } }])).toMatch(/timeline\[0\]\.toxicity: fault 'reset' cannot honour toxicity here: mode 'refuse'/);
  });

  it("declares each kind's settings as a schema: every setting described, with its default", () => {
    const settings = Object.fromEntries(Object.values(FAULT_KINDS).map((k) => [k.kind, k.params.parse({})]));
    expect(settings).toEqual({
      latency: { latencyMs: 100, jitterMs: 0 }, bandwidth: { rateKBps: 16 }, slicer: { averageSize: 64, sizeVariation: 32, delayUs: 1000 }, reset: { mode: "refuse", timeoutMs: 0 },
      blackhole: {}, "relay-restart": {}, "relay-crash": {}, "relay-pause": {},
    });
    for (const kind of Object.values(FAULT_KINDS)) {
      for (const name of settingNames(kind.params)) expect(describeSetting(kind.params.shape[name]!).description, `${kind.kind}.${name}`).not.toBe("");
    }
  });

  it("refuses a setting of the wrong type, naming what is allowed", () => {
    expect(bad([{ at: "1s", target: "proxies", fault: { kind: "slicer", delayUs: "fast" } }])).toMatch(/^suite\.json: timeline\[0\]\.fault\.delayUs: "fast" is not allowed; allowed: a number from 0 to 10000000 \(pause between pieces in microseconds\)$/);
    expect(bad([{ at: "1s", target: "proxies", fault: { kind: "reset", mode: 1 } }])).toMatch(/fault\.mode: 1 is not allowed; allowed: refuse, reset_peer$/);
    expect(bad([{ at: "1s", target: "relay", fault: { kind: "relay-crash", signal: "KILL" } }])).toMatch(/fault\.signal: unknown setting for 'relay-crash'; allowed: none$/);
  });

  it("declares on each kind what the fault means: blocks paths, where recovery counts from", () => {
    const meaning = Object.fromEntries(Object.values(FAULT_KINDS).map((k) => [k.kind, [k.blocksPaths, k.recoveryFrom]]));
    expect(meaning).toEqual({
      latency: [false, "heal"], bandwidth: [false, "heal"], slicer: [false, "heal"], reset: [true, "heal"], blackhole: [true, "heal"],
      "relay-restart": [false, "heal"], "relay-crash": [false, "inject"], "relay-pause": [false, "heal"],
    });
  });

  it("parses durations with units", () => {
    expect([parseDurationMs("500ms"), parseDurationMs("10s"), parseDurationMs("1.5m"), parseDurationMs("1h"), parseDurationMs(3), parseDurationMs("3")]).toEqual([500, 10_000, 90_000, 3_600_000, 3000, 3000]);
    expect([parseDurationMs("-1s"), parseDurationMs("10 parsecs"), parseDurationMs("")]).toEqual([null, null, null]);
  });
});
