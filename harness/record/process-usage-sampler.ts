// Samples one process (the load generator, k6) from /proc once a second: the CPU it used in each
// interval, in cores (utime + stime from /proc/<pid>/stat, in clock ticks), and its resident
// memory (VmRSS from /proc/<pid>/status). Linux only; elsewhere, or once the process is gone, no
// samples are taken (and the analysis says "not measured" rather than "fine").
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export interface ProcessUsageSample {
  /** end of the interval (ms since the epoch) */
  t: number;
  /** length of the interval the figures describe, ms */
  intervalMs: number;
  /** CPU used over the interval, in cores (1 = one core busy the whole interval) */
  cpuCores: number;
  /** resident memory at t, MB (1024 * 1024 bytes) */
  rssMb: number | null;
  /** CPU used by the process since it started, seconds (user + system) */
  cpuSeconds: number;
}

export interface ProcessUsage {
  cpuSeconds: number;
  rssMb: number | null;
}

let ticksPerSecond: number | null = null;

/** `getconf CLK_TCK` (the unit of utime/stime), 100 when it cannot be asked. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond !== null) return ticksPerSecond;
  try {
    const value = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    ticksPerSecond = Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/** CPU seconds so far and resident memory of `pid`, or null when it cannot be read (gone, not Linux). */
export function readProcessUsage(pid: number): ProcessUsage | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // after comm: [0] state (field 3) ... [11] utime (field 14), [12] stime (field 15)
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  let rssMb: number | null = null;
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    if (match) rssMb = Math.round((Number(match[1]) / 1024) * 10) / 10;
  } catch {
    // gone between the two reads: keep the CPU figure
  }
  return { cpuSeconds: (utime + stime) / clockTicksPerSecond(), rssMb };
}

export class ProcessUsageSampler {
  readonly samples: ProcessUsageSample[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private last: { t: number; cpuSeconds: number } | null = null;
  private pid: number | null = null;

  constructor(private readonly intervalMs = 1000) {}

  /** Takes a first reading now (the baseline of the first interval) and then one every interval. */
  start(pid: number): void {
    this.pid = pid;
    clockTicksPerSecond();
    const first = readProcessUsage(pid);
    if (first) this.last = { t: Date.now(), cpuSeconds: first.cpuSeconds };
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Takes a last reading (while the process is still there) and stops. */
  stop(): ProcessUsageSample[] {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample(true);
    this.pid = null;
    return this.samples;
  }

  /** the newest sample, for the live progress line */
  latest(): ProcessUsageSample | null {
    return this.samples.at(-1) ?? null;
  }

  /** the start (time, CPU seconds) of the newest sample's interval */
  private newestFrom: { t: number; cpuSeconds: number } | null = null;

  private sample(final = false): void {
    if (this.pid === null) return;
    const t = Date.now();
    const usage = readProcessUsage(this.pid);
    if (!usage || !this.last || t <= this.last.t || usage.cpuSeconds < this.last.cpuSeconds) {
      if (usage) this.last = { t, cpuSeconds: usage.cpuSeconds };
      return;
    }
    // a last reading soon after the previous one is folded into it: a short interval in clock
    // ticks would give a noisy figure in cores
    const fold = final && t - this.last.t < this.intervalMs / 4 && this.newestFrom !== null && this.samples.length > 0;
    const from = fold ? this.newestFrom! : this.last;
    const intervalMs = t - from.t;
    const cpuCores = Math.round(((usage.cpuSeconds - from.cpuSeconds) / (intervalMs / 1000)) * 1000) / 1000;
    const sample = { t, intervalMs, cpuCores, rssMb: usage.rssMb, cpuSeconds: usage.cpuSeconds };
    if (fold) this.samples[this.samples.length - 1] = sample;
    else this.samples.push(sample);
    this.newestFrom = from;
    this.last = { t, cpuSeconds: usage.cpuSeconds };
  }
}
