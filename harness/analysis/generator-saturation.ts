// The saturation guard: was the load generator (k6) itself the bottleneck? Per second of the run,
// the generator is saturated when any VU's 100 ms tick fired more than `maxLateMs` late (its event
// loop could not keep up), or when k6 used more than `maxCpuFraction` of the machine's cores.
// Consecutive saturated seconds form a span; figures taken inside a span describe k6, not the
// system under test. A span also says how busy the whole machine was: a k6 that fell behind on a
// full machine was starved by what shares it (the relay, Toxiproxy), not only by its own work.
// No lag records and no CPU samples is "not measured", never a silent pass.
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import type { ProcessUsageSample } from "../record/process-usage-sampler.ts";

export type LagRecord = Extract<ClientEvent, { ev: "lag" }>;

export interface SaturationThresholds {
  /** a VU's tick later than this in a second saturates that second (the tick is 100 ms) */
  maxLateMs: number;
  /** k6 using more than this share of the machine's cores in a second saturates it */
  maxCpuFraction: number;
}

/**
 * 250 ms: a loop that cannot keep up falls further behind every tick (saturated runs here showed
 * 600 ms to 6 s of lag), while one garbage collection or a burst of key agreements delays a single
 * tick by 100-200 ms on a loop that keeps up (seen at under one k6 core on two shared cores).
 */
export const DEFAULT_SATURATION_THRESHOLDS: SaturationThresholds = { maxLateMs: 250, maxCpuFraction: 0.9 };

export interface SaturationSpan {
  /** start of the first saturated second and end of the last (ms since the epoch) */
  from: number;
  to: number;
  /** the same, in seconds since the k6 scenario's start */
  fromS: number;
  toS: number;
  /** what exceeded its threshold, with the worst value in the span, and how busy the machine was on average: "timer lag 340 ms, k6 CPU 1.95 of 2 cores; machine 2 of 2 cores busy" */
  reason: string;
  /** worst timer lateness in the span (null: no lag records in it) */
  peakLagMs: number | null;
  /** highest k6 CPU in the span, cores (null: no CPU samples in it) */
  peakCpuCores: number | null;
  /** CPU of the whole machine over the span, every process together, mean of its seconds, cores (null: not read) */
  meanMachineBusyCores: number | null;
  /** whether the span overlaps the measured window (end of warm-up to end of drain) */
  inMeasuredWindow: boolean;
}

export interface GeneratorSaturation {
  /** false when there were neither lag records nor CPU samples: nothing is known */
  measured: boolean;
  /** "no samples" when not measured; otherwise which inputs were missing, or null */
  note: string | null;
  saturated: boolean;
  /** a span overlaps the measured window: the run's figures cannot be trusted, so it cannot pass */
  inMeasuredWindow: boolean;
  spans: SaturationSpan[];
  thresholds: SaturationThresholds;
  machineCores: number;
  lagRecords: number;
  cpuSamples: number;
  peakCpuCores: number | null;
  /** time-weighted over all samples */
  meanCpuCores: number | null;
  peakLagMs: number | null;
  peakRssMb: number | null;
  /** k6's CPU (user + system) from its start to the last sample */
  k6CpuSecondsTotal: number | null;
  /** k6CpuSecondsTotal per message delivered (first deliveries), microseconds */
  k6CpuUsPerDeliveredMessage: number | null;
}

export interface SaturationInput {
  lag: LagRecord[];
  cpu: ProcessUsageSample[];
  machineCores: number;
  /** the k6 scenario's start: seconds are counted from here (null: from the first record) */
  origin: number | null;
  /** end of warm-up to end of drain */
  measuredWindow: { from: number; to: number };
  /** messages delivered (first deliveries) */
  delivered: number;
  thresholds?: Partial<SaturationThresholds>;
}

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
const maxOf = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => (b > a ? b : a)) : null);

/** The time a lag record covers: its ticks, each one tick plus its lateness (at least a second). */
function lagSpanMs(l: LagRecord): number {
  return Math.max(1000, l.ticks * (l.everyMs + l.meanLateMs));
}

/** Lag records, picked out of the client records. */
export function lagRecords(events: readonly ClientEvent[]): LagRecord[] {
  return events.filter((e): e is LagRecord => e.ev === "lag");
}

export function generatorSaturation(input: SaturationInput): GeneratorSaturation {
  const thresholds = { ...DEFAULT_SATURATION_THRESHOLDS, ...input.thresholds };
  const { lag, cpu, machineCores } = input;
  const cpuLimit = machineCores * thresholds.maxCpuFraction;
  const firstT = [...lag.map((l) => l.t - lagSpanMs(l)), ...cpu.map((s) => s.t - s.intervalMs)].reduce((a, b) => Math.min(a, b), Infinity);
  const origin = input.origin ?? (Number.isFinite(firstT) ? firstT : 0);
  // a record describes the interval (from, to]: it counts for every second whose middle lies in
  // it (one for a one-second record, three for a VU stuck for three), at least the second
  // holding the interval's own middle
  const secondsOf = (from: number, to: number): number[] => {
    const ks: number[] = [];
    for (let k = Math.ceil((from - origin - 500) / 1000); origin + k * 1000 + 500 <= to; k++) if (origin + k * 1000 + 500 > from) ks.push(k);
    return ks.length ? ks : [Math.floor(((from + to) / 2 - origin) / 1000)];
  };

  const perSecond = new Map<number, { lagMs: number | null; cpuCores: number | null; machineBusyCores: number | null }>();
  const slot = (k: number) => {
    let s = perSecond.get(k);
    if (!s) perSecond.set(k, (s = { lagMs: null, cpuCores: null, machineBusyCores: null }));
    return s;
  };
  for (const l of lag) {
    for (const k of secondsOf(l.t - lagSpanMs(l), l.t)) {
      const s = slot(k);
      s.lagMs = Math.max(s.lagMs ?? 0, l.maxLateMs);
    }
  }
  for (const c of cpu) {
    for (const k of secondsOf(c.t - c.intervalMs, c.t)) {
      const s = slot(k);
      s.cpuCores = Math.max(s.cpuCores ?? 0, c.cpuCores);
      if (c.machineBusyCores != null) s.machineBusyCores = Math.max(s.machineBusyCores ?? 0, c.machineBusyCores);
    }
  }

  const lagHigh = (s: { lagMs: number | null }) => s.lagMs !== null && s.lagMs > thresholds.maxLateMs;
  const cpuHigh = (s: { cpuCores: number | null }) => s.cpuCores !== null && s.cpuCores > cpuLimit;
  const saturatedSeconds = [...perSecond.entries()].filter(([, s]) => lagHigh(s) || cpuHigh(s)).map(([k]) => k).sort((a, b) => a - b);

  const spans: SaturationSpan[] = [];
  for (let i = 0; i < saturatedSeconds.length; ) {
    let j = i;
    while (j + 1 < saturatedSeconds.length && saturatedSeconds[j + 1] === saturatedSeconds[j] + 1) j++;
    const seconds = saturatedSeconds.slice(i, j + 1).map((k) => perSecond.get(k)!);
    const fromS = saturatedSeconds[i];
    const toS = saturatedSeconds[j] + 1;
    const from = origin + fromS * 1000;
    const to = origin + toS * 1000;
    const peakLagMs = maxOf(seconds.flatMap((s) => (s.lagMs === null ? [] : [s.lagMs])));
    const peakCpuCores = maxOf(seconds.flatMap((s) => (s.cpuCores === null ? [] : [s.cpuCores])));
    const machine = seconds.flatMap((s) => (s.machineBusyCores === null ? [] : [s.machineBusyCores]));
    const meanMachine = machine.length ? Math.min(machineCores, machine.reduce((a, b) => a + b, 0) / machine.length) : null;
    const reasons = [
      ...(seconds.some(lagHigh) ? [`timer lag ${Math.round(peakLagMs!)} ms`] : []),
      ...(seconds.some(cpuHigh) ? [`k6 CPU ${round(peakCpuCores!)} of ${machineCores} cores`] : []),
    ];
    spans.push({
      from, to, fromS, toS, reason: reasons.join(", ") + (meanMachine === null ? "" : `; machine ${round(meanMachine, 1)} of ${machineCores} cores busy`),
      peakLagMs: peakLagMs === null ? null : round(peakLagMs, 1), peakCpuCores: peakCpuCores === null ? null : round(peakCpuCores),
      meanMachineBusyCores: meanMachine === null ? null : round(meanMachine),
      inMeasuredWindow: from < input.measuredWindow.to && to > input.measuredWindow.from,
    });
    i = j + 1;
  }

  const measured = lag.length > 0 || cpu.length > 0;
  const missing = [...(lag.length ? [] : ["no lag records"]), ...(cpu.length ? [] : ["no CPU samples"])];
  const weight = cpu.reduce((n, s) => n + s.intervalMs, 0);
  const k6CpuSecondsTotal = cpu.length ? round(maxOf(cpu.map((s) => s.cpuSeconds))!, 3) : null;
  const peakLagMs = maxOf(lag.map((l) => l.maxLateMs));
  return {
    measured,
    note: !measured ? "no samples" : missing.length ? missing.join(", ") : null,
    saturated: spans.length > 0,
    inMeasuredWindow: spans.some((s) => s.inMeasuredWindow),
    spans,
    thresholds,
    machineCores,
    lagRecords: lag.length,
    cpuSamples: cpu.length,
    peakCpuCores: cpu.length ? round(maxOf(cpu.map((s) => s.cpuCores))!) : null,
    meanCpuCores: weight > 0 ? round(cpu.reduce((n, s) => n + s.cpuCores * s.intervalMs, 0) / weight) : null,
    peakLagMs: peakLagMs === null ? null : round(peakLagMs, 1),
    peakRssMb: maxOf(cpu.flatMap((s) => (s.rssMb === null ? [] : [s.rssMb]))),
    k6CpuSecondsTotal,
    k6CpuUsPerDeliveredMessage: k6CpuSecondsTotal !== null && input.delivered > 0 ? Math.round((k6CpuSecondsTotal * 1e6) / input.delivered) : null,
  };
}

/** "00:12" from seconds since the scenario's start ("-00:03" before it). */
export function clockOf(seconds: number): string {
  const sign = seconds < 0 ? "-" : "";
  const s = Math.abs(Math.round(seconds));
  return `${sign}${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

/** One line per span: "load generator saturated from 00:12 to 00:31 (timer lag 340 ms, k6 CPU 1.9 of 2 cores): ..." */
export function saturationLines(name: string, g: GeneratorSaturation): string[] {
  return g.spans.map((s) => `  ${name}: load generator saturated from ${clockOf(s.fromS)} to ${clockOf(s.toS)} (${s.reason}): ${s.inMeasuredWindow
    ? "figures in that span describe the generator, not the relay"
    : "outside the measured window (warm-up or after the drain)"}`);
}
