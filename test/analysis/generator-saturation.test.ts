import { describe, expect, it } from "vitest";
import { clockOf, generatorSaturation, lagRecords, saturationLines, type LagRecord, type SaturationInput } from "../../harness/analysis/generator-saturation.ts";
import type { ProcessUsageSample } from "../../harness/record/process-usage-sampler.ts";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";

const T0 = 1_700_000_000_000;
/** a lag record at the end of second `s` (it describes that second: its ticks, each `everyMs` plus its lateness, fill it) */
function lag(s: number, maxLateMs: number, vu = 0, everyMs = 100): LagRecord {
  const meanLateMs = Math.round(maxLateMs / 10);
  return { ev: "lag", vu, t: T0 + (s + 1) * 1000, ticks: Math.floor(1000 / (everyMs + meanLateMs)), everyMs, maxLateMs, meanLateMs };
}
/** one CPU sample per second, second s covering [s, s + 1); the machine's busy cores, where given */
function cpu(cores: number[], rssMb = 100, machine: number[] = []): ProcessUsageSample[] {
  let total = 0;
  return cores.map((c, s) => ({ t: T0 + (s + 1) * 1000, intervalMs: 1000, cpuCores: c, rssMb: rssMb + s, cpuSeconds: (total += c), machineBusyCores: machine[s] ?? null }));
}
const input = (over: Partial<SaturationInput>): SaturationInput => ({
  lag: [], cpu: [], machineCores: 2, origin: T0, measuredWindow: { from: T0 + 5_000, to: T0 + 30_000 }, delivered: 0, ...over,
});

describe("generator saturation", () => {
  it("says 'not measured' when there are no lag records and no CPU samples, never a silent pass", () => {
    const g = generatorSaturation(input({}));
    expect(g).toMatchObject({ measured: false, note: "no samples", saturated: false, inMeasuredWindow: false, spans: [], peakCpuCores: null, meanCpuCores: null, peakLagMs: null, k6CpuSecondsTotal: null, k6CpuUsPerDeliveredMessage: null });
  });

  it("is not saturated when every second stays within both thresholds (250 ms lag and 90% of the cores are allowed)", () => {
    const g = generatorSaturation(input({ lag: [lag(6, 40), lag(7, 250, 1)], cpu: cpu([0.5, 1.8, 1.2]) }));
    expect(g).toMatchObject({ measured: true, note: null, saturated: false, spans: [], peakCpuCores: 1.8, peakLagMs: 250, lagRecords: 2, cpuSamples: 3 });
  });

  it("marks a second when any VU's tick was late beyond the threshold, and merges consecutive seconds into one span", () => {
    const g = generatorSaturation(input({ lag: [lag(10, 20, 0), lag(10, 300, 1), lag(11, 340, 0), lag(12, 251, 2), lag(13, 30), lag(15, 500)] }));
    expect(g.spans.map((s) => [s.fromS, s.toS, s.reason])).toEqual([[10, 13, "timer lag 340 ms"], [15, 16, "timer lag 500 ms"]]);
    expect(g.spans[0]).toMatchObject({ from: T0 + 10_000, to: T0 + 13_000, peakLagMs: 340, peakCpuCores: null, inMeasuredWindow: true });
    expect(g).toMatchObject({ saturated: true, inMeasuredWindow: true, peakLagMs: 500, note: "no CPU samples" });
  });

  it("marks a second when k6 used more than 90% of the machine's cores, and names both causes in a span that has both", () => {
    const cores = [0.3, 0.4, 0.5, 0.5, 0.6, 0.8, 1.0, 1.81, 1.95, 1.5, 0.4];
    const g = generatorSaturation(input({ cpu: cpu(cores), lag: [lag(8, 340)], delivered: 1000 }));
    expect(g.spans).toEqual([{ from: T0 + 7_000, to: T0 + 9_000, fromS: 7, toS: 9, reason: "timer lag 340 ms, k6 CPU 1.95 of 2 cores", peakLagMs: 340, peakCpuCores: 1.95, meanMachineBusyCores: null, inMeasuredWindow: true }]);
    const total = cores.reduce((a, b) => a + b, 0);
    expect(g.k6CpuSecondsTotal).toBeCloseTo(total, 3);
    expect(g.k6CpuUsPerDeliveredMessage).toBe(Math.round((total * 1e6) / 1000));
    expect(g.meanCpuCores).toBeCloseTo(total / cores.length, 2);
    expect(g).toMatchObject({ peakCpuCores: 1.95, peakRssMb: 110, machineCores: 2 });
    // the same load on an 8-core machine is far from its limit
    expect(generatorSaturation(input({ cpu: cpu(cores), machineCores: 8 })).saturated).toBe(false);
  });

  it("says how busy the whole machine was in a span: a k6 starved by its neighbours is told apart from one busy with its own work", () => {
    // seconds 6-8: k6 behind at 0.6 cores while the machine is full; second 12: k6 itself at 1.9 cores
    const samples = cpu([0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.6, 0.6, 0.6, 0.4, 0.4, 0.4, 1.9], 100, [1, 1, 1, 1, 1, 1, 2.01, 1.8, 1.6, 1, 1, 1, 1.95]);
    const g = generatorSaturation(input({ lag: [lag(6, 900), lag(7, 1200), lag(8, 700)], cpu: samples }));
    expect(g.spans.map((s) => [s.fromS, s.toS, s.reason, s.meanMachineBusyCores])).toEqual([
      [6, 9, "timer lag 1200 ms; machine 1.8 of 2 cores busy", 1.8],
      [12, 13, "k6 CPU 1.9 of 2 cores; machine 2 of 2 cores busy", 1.95],
    ]);
  });

  it("honours other thresholds", () => {
    const g = generatorSaturation(input({ lag: [lag(6, 60)], cpu: cpu([1.0]), thresholds: { maxLateMs: 50, maxCpuFraction: 0.4 } }));
    expect(g.spans.map((s) => s.reason)).toEqual(["k6 CPU 1 of 2 cores", "timer lag 60 ms"]);
    expect(g.thresholds).toEqual({ maxLateMs: 50, maxCpuFraction: 0.4 });
  });

  it("attributes a CPU sample that straddles two seconds to the second holding its middle", () => {
    const straddling: ProcessUsageSample = { t: T0 + 12_700, intervalMs: 1000, cpuCores: 1.99, rssMb: null, cpuSeconds: 3, machineBusyCores: null };
    expect(generatorSaturation(input({ cpu: [straddling] })).spans.map((s) => [s.fromS, s.toS])).toEqual([[12, 13]]);
  });

  it("marks every second a VU was stuck in when one lag record covers several", () => {
    // one tick, 2.9 s late, reported at the end of second 12: the VU was stuck from second 10 on
    const stuck: LagRecord = { ev: "lag", vu: 0, t: T0 + 13_000, ticks: 1, everyMs: 100, maxLateMs: 2_900, meanLateMs: 2_900 };
    expect(generatorSaturation(input({ lag: [lag(9, 10), stuck] })).spans.map((s) => [s.fromS, s.toS, s.reason])).toEqual([[10, 13, "timer lag 2900 ms"]]);
    // a VU sending every 10 ms reports many short ticks: 40 ticks each 10 ms + 65 ms late cover 3 s
    const fast: LagRecord = { ev: "lag", vu: 1, t: T0 + 13_000, ticks: 40, everyMs: 10, maxLateMs: 300, meanLateMs: 65 };
    expect(generatorSaturation(input({ lag: [fast] })).spans.map((s) => [s.fromS, s.toS])).toEqual([[10, 13]]);
  });

  it("tells spans that overlap the measured window (warm-up end to drain end) from those outside it", () => {
    const outside = generatorSaturation(input({ lag: [lag(1, 900), lag(2, 900), lag(31, 300)] }));
    expect(outside.spans.map((s) => [s.fromS, s.toS, s.inMeasuredWindow])).toEqual([[1, 3, false], [31, 32, false]]);
    expect(outside).toMatchObject({ saturated: true, inMeasuredWindow: false });
    // a span that runs from warm-up into the window overlaps it
    const edge = generatorSaturation(input({ lag: [lag(3, 900), lag(4, 900), lag(5, 900)] }));
    expect(edge).toMatchObject({ saturated: true, inMeasuredWindow: true });
    // ending exactly where the window starts does not
    expect(generatorSaturation(input({ lag: [lag(4, 900)] })).inMeasuredWindow).toBe(false);
    // the last second of the drain does
    expect(generatorSaturation(input({ lag: [lag(29, 900)] })).inMeasuredWindow).toBe(true);
  });

  it("counts seconds from the first record when the scenario's start is unknown", () => {
    const g = generatorSaturation(input({ origin: null, lag: [lag(10, 20), lag(12, 400)] }));
    expect(g.spans.map((s) => [s.fromS, s.toS, s.from])).toEqual([[2, 3, T0 + 12_000]]);
  });

  it("picks lag records out of the client records and writes one line per span", () => {
    const events: ClientEvent[] = [{ ev: "start", t: T0, vus: 2 }, lag(12, 340), { ev: "acked", id: "m", t: T0, ep: "direct-a" }, lag(13, 150, 1)];
    expect(lagRecords(events)).toHaveLength(2);
    const g = generatorSaturation(input({ lag: lagRecords(events), cpu: cpu(Array.from({ length: 40 }, (_, s) => (s >= 12 && s < 31 ? 1.9 : 0.5))) }));
    expect(saturationLines("steady", g)).toEqual([
      "  steady: load generator saturated from 00:12 to 00:31 (timer lag 340 ms, k6 CPU 1.9 of 2 cores): figures in that span describe the generator, not the relay",
    ]);
    expect([clockOf(0), clockOf(75), clockOf(-3)]).toEqual(["00:00", "01:15", "-00:03"]);
  });
});
