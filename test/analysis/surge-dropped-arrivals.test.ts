// The sign-ups k6 dropped for want of a VU: k6's own dropped_iterations points, as its JSON output
// writes them (read from the kept points or from the raw metrics), counted per second of the ramp by
// the time k6 stamped on each, in the surge figures and at the knee.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { droppedIterationsOf, droppedPerSecond, readDroppedIterations } from "../../harness/analysis/surge/dropped-arrivals.ts";
import { surgeFigures } from "../../harness/analysis/surge/surge-figures.ts";
import { k6Files } from "../../harness/load/run-k6.ts";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";

const RAMP_FROM = Date.parse("2026-01-01T10:00:00Z");

/** one line of k6's JSON output: a dropped_iterations point `ms` after the ramp's start */
function point(ms: number, scenario = "sign_ups"): string {
  const time = new Date(RAMP_FROM + ms).toISOString().replace("Z", "123456+00:00");
  return JSON.stringify({ metric: "dropped_iterations", type: "Point", data: { time, value: 1, tags: { scenario } } });
}

const K6_JSON = [
  JSON.stringify({ type: "Metric", data: { name: "dropped_iterations", type: "counter", contains: "default", thresholds: [], submetrics: null }, metric: "dropped_iterations" }),
  point(-3), point(10), point(999), JSON.stringify({ metric: "ws_msgs_sent", type: "Point", data: { time: "2026-01-01T10:00:01Z", value: 1, tags: {} } }),
  point(4_000), point(4_500), point(4_999), point(2_000, "conversations"), "",
].join("\n");

describe("sign-ups k6 dropped during the ramp", () => {
  it("reads k6's dropped_iterations points, with k6's time and scenario, and passes over every other line", () => {
    const drops = droppedIterationsOf(K6_JSON, "k6-metrics.jsonl");
    expect(drops.length).toBe(7);
    expect(drops[1]).toEqual({ t: RAMP_FROM + 10, scenario: "sign_ups" });
    expect(drops.filter((d) => d.scenario === "conversations").length).toBe(1);
    expect(() => droppedIterationsOf('{"metric":"dropped_iterations","type":"Point","data":{"value":1}}', "x.jsonl")).toThrow(/x\.jsonl: a dropped_iterations point without a time/);
  });

  it("reads them from the raw metrics when written, else from the kept points; null when neither was kept", () => {
    const dir = mkdtempSync(join(tmpdir(), "drops-"));
    const kept = k6Files(dir, false, true);
    writeFileSync(kept.drops!, K6_JSON.split("\n").filter((l) => l.startsWith('{"metric":"dropped_iterations","type":"Point"')).join("\n"));
    expect(readDroppedIterations([kept])!.length).toBe(7);
    const raw = k6Files(dir, true, true);
    expect(raw.drops).toBeNull();
    writeFileSync(raw.metrics!, K6_JSON);
    expect(readDroppedIterations([raw, kept])!.length).toBe(14);
    expect(readDroppedIterations([k6Files(dir, false)])).toBeNull();
  });

  it("counts the sign-ups' drops in the second k6 stamped them, one just before the ramp in its first", () => {
    expect(droppedPerSecond(droppedIterationsOf(K6_JSON, "k6.jsonl"), RAMP_FROM, 6)).toEqual([3, 0, 0, 0, 3, 0]);
  });

  it("reports them per second and in total in the surge figures, and at the knee; null when not kept", () => {
    const input = { events: [] as ClientEvent[], records: [], settings: { surgeFromPerS: 2, surgePeakPerS: 5, durationS: 6, surgeKneeP95Ms: 2000 }, rampFrom: RAMP_FROM, saturation: [], relayPrekeyLog: { available: false as const, why: "not read" }, leftForGood: new Map(), lateMs: 10_000 };
    const surge = surgeFigures({ ...input, droppedIterations: droppedIterationsOf(K6_JSON, "k6.jsonl") });
    expect(surge.droppedIterations).toBe(6);
    expect(surge.perSecond.map((s) => s.droppedIterations)).toEqual([3, 0, 0, 0, 3, 0]);
    expect(surge.knee.found).toBe(false); // no first message delivered: no p95 over the bound
    const unknown = surgeFigures({ ...input, droppedIterations: null });
    expect(unknown.droppedIterations).toBeNull();
    expect(unknown.perSecond.every((s) => s.droppedIterations === null)).toBe(true);
  });
});
