// Samples the server under test's own CPU and memory once a second, whatever the target: the
// reference relay, a relay command, Prosody, ejabberd (every process of its group, from /proc) or
// the relay's container (the engine's stats), through RelayControl.usage(). Each sample is the CPU
// used over one interval, in cores, and the resident memory at its end. A reading the server could
// not give (down, not started again yet) is counted, not sampled: its interval has no figure, and
// the next one starts from the next reading (a restarted server counts its CPU from 0 again).
// Figures made from no sample are null ("not measured"), never 0. serverUsageFigures() also takes
// a window, for figures over part of a run (the bench: "the server's CPU at the lowest missed rate").
import type { ServerUsage } from "../environments/environment.ts";

export interface ServerUsageSample {
  /** end of the interval (ms since the epoch) */
  t: number;
  /** length of the interval the figures describe, ms */
  intervalMs: number;
  /** CPU used over the interval, in cores (1 = one core busy the whole interval) */
  cpuCores: number;
  /** resident memory at t, MB (1024 * 1024 bytes); null: not readable */
  rssMb: number | null;
  /** CPU the server has used since it (this start of it) began, seconds */
  cpuSeconds: number;
}

export interface ServerUsageFigures {
  /** intervals with a figure */
  samples: number;
  /** readings in which the server gave no figures (down, or its usage could not be read) */
  readingsDown: number;
  /** highest CPU over one interval, cores; null: not measured */
  cpuCoresPeak: number | null;
  /** CPU over every sampled interval together, cores (CPU seconds / seconds); null: not measured */
  cpuCoresMean: number | null;
  /** CPU seconds over the sampled intervals; null: not measured */
  cpuSeconds: number | null;
  /** highest resident memory, MB; null: not measured */
  rssMbPeak: number | null;
  /** why the figures are null, when they are */
  note: string | null;
}

interface Reading { t: number; cpuSeconds: number }

export class ServerUsageSampler {
  readonly samples: ServerUsageSample[] = [];
  readingsDown = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private pending: Promise<void> | null = null;
  private last: Reading | null = null;
  /** the reading at the start of the newest sample's interval */
  private newestFrom: Reading | null = null;
  private lastError: string | null = null;

  /** `read`: RelayControl.usage() (or any reading of CPU seconds and memory) */
  constructor(private readonly read: () => Promise<ServerUsage | null>, private readonly intervalMs = 1000) {}

  /** Takes a first reading now (the baseline of the first interval) and then one every interval. */
  start(): void {
    this.pending = this.sample(false, true).finally(() => (this.pending = null));
    // a reading still under way when the next is due (a slow engine) makes that one wait a turn
    this.timer = setInterval(() => {
      if (this.pending === null) this.pending = this.sample().finally(() => (this.pending = null));
    }, this.intervalMs);
  }

  /** Takes a last reading (folded into the previous sample when it comes soon after it) and stops. */
  async stop(): Promise<ServerUsageSample[]> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pending;
    await this.sample(true);
    return this.samples;
  }

  /** the newest sample, for the live progress line */
  latest(): ServerUsageSample | null {
    return this.samples.at(-1) ?? null;
  }

  /** why nothing could be read, when a reading failed with an error */
  get error(): string | null {
    return this.lastError;
  }

  private async sample(final = false, baseline = false): Promise<void> {
    let usage: ServerUsage | null;
    try {
      usage = await this.read();
    } catch (error) {
      this.lastError = (error as Error).message;
      usage = null;
    }
    const t = Date.now();
    if (!usage) {
      if (!baseline) this.readingsDown++;
      this.last = null;
      return;
    }
    const last = this.last;
    this.last = { t, cpuSeconds: usage.cpuSeconds };
    // no baseline, or a counter that went back (a restart between two readings): a new baseline
    if (!last || t <= last.t || usage.cpuSeconds < last.cpuSeconds) return;
    // a last reading soon after the previous one is folded into it: a short interval in clock
    // ticks would give a noisy figure in cores
    const fold = final && t - last.t < this.intervalMs / 4 && this.newestFrom !== null && this.samples.at(-1)?.t === last.t;
    const from = fold ? this.newestFrom! : last;
    const intervalMs = t - from.t;
    const sample: ServerUsageSample = {
      t, intervalMs, cpuCores: Math.round(((usage.cpuSeconds - from.cpuSeconds) / (intervalMs / 1000)) * 1000) / 1000, rssMb: usage.rssMb, cpuSeconds: usage.cpuSeconds,
    };
    if (fold) this.samples[this.samples.length - 1] = sample;
    else this.samples.push(sample);
    this.newestFrom = from;
  }
}

/**
 * Peak and mean CPU, peak memory of the samples whose interval ends inside `window` (all of them
 * without one); `readingsDown` and `error` come from the sampler. No sample: every figure null,
 * with the reason in `note`.
 */
export function serverUsageFigures(samples: ServerUsageSample[], opts: { readingsDown?: number; error?: string | null; window?: { from: number; to: number } } = {}): ServerUsageFigures {
  const within = opts.window ? samples.filter((s) => s.t > opts.window!.from && s.t <= opts.window!.to) : samples;
  const readingsDown = opts.readingsDown ?? 0;
  if (within.length === 0) {
    const why = opts.error
      ? `the server's usage could not be read: ${opts.error}`
      : readingsDown > 0 ? `the server gave no figures in ${readingsDown} reading(s) (down, or not readable)` : "no interval was sampled";
    return { samples: 0, readingsDown, cpuCoresPeak: null, cpuCoresMean: null, cpuSeconds: null, rssMbPeak: null, note: why };
  }
  let peak = 0;
  let cpuSeconds = 0;
  let ms = 0;
  let rss: number | null = null;
  for (const s of within) {
    peak = Math.max(peak, s.cpuCores);
    cpuSeconds += (s.cpuCores * s.intervalMs) / 1000;
    ms += s.intervalMs;
    if (s.rssMb !== null) rss = Math.max(rss ?? 0, s.rssMb);
  }
  return {
    samples: within.length, readingsDown, cpuCoresPeak: round(peak, 3), cpuCoresMean: round(cpuSeconds / (ms / 1000), 3), cpuSeconds: round(cpuSeconds, 2), rssMbPeak: rss,
    note: rss === null ? "resident memory not readable" : null,
  };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
