// Samples one process (the load generator, k6) from /proc once a second: the CPU it used in each
// interval, in cores (utime + stime from /proc/<pid>/stat, in clock ticks), its resident memory
// (VmRSS from /proc/<pid>/status), and how busy the whole machine was meanwhile (/proc/stat), so a
// generator that fell behind can be told apart from one starved by what shares its machine. Linux
// only; elsewhere, or once the process is gone, no samples are taken (and the analysis says "not
// measured" rather than "fine").
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { procStatFields } from "./proc-stat.ts";

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
  /** CPU the whole machine used over the interval, every process together, in cores (null: not read) */
  machineBusyCores: number | null;
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

/**
 * CPU seconds so far and resident memory of `pid`, or null when it cannot be read (gone, not Linux).
 * With `reapedChildren`, the CPU of its children that exited and were waited for is included
 * (cutime + cstime): summed over a process group, the total then does not drop when a child exits.
 */
export function readProcessUsage(pid: number, options: { reapedChildren?: boolean } = {}): ProcessUsage | null {
  const fields = procStatFields(pid);
  if (!fields) return null;
  // after comm: [0] state (field 3) ... [11] utime (field 14), [12] stime (field 15)
  // [13] cutime, [14] cstime: children waited for
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const children = options.reapedChildren ? Number(fields[13]) + Number(fields[14]) : 0;
  if (!Number.isFinite(utime) || !Number.isFinite(stime) || !Number.isFinite(children)) return null;
  let rssMb: number | null = null;
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    if (match) rssMb = Math.round((Number(match[1]) / 1024) * 10) / 10;
  } catch {
    // gone between the two reads: keep the CPU figure
  }
  return { cpuSeconds: (utime + stime + children) / clockTicksPerSecond(), rssMb };
}

/**
 * CPU seconds the whole machine has been busy since boot, all cores together: the first line of
 * /proc/stat less idle and iowait (guest time is inside user time). Null when it cannot be read.
 */
export function readMachineBusySeconds(stat?: string): number | null {
  let text = stat;
  if (text === undefined) {
    try {
      text = readFileSync("/proc/stat", "utf8");
    } catch {
      return null;
    }
  }
  const fields = /^cpu\s+(.*)$/m.exec(text)?.[1].trim().split(/\s+/).map(Number);
  if (!fields || fields.length < 4 || fields.some((f) => !Number.isFinite(f))) return null;
  const [user, nice, system, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / clockTicksPerSecond();
}

interface Reading { t: number; cpuSeconds: number; machineBusySeconds: number | null }

export class ProcessUsageSampler {
  readonly samples: ProcessUsageSample[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private last: Reading | null = null;
  private pid: number | null = null;

  constructor(private readonly intervalMs = 1000) {}

  /** Takes a first reading now (the baseline of the first interval) and then one every interval. */
  start(pid: number): void {
    this.pid = pid;
    clockTicksPerSecond();
    const first = readProcessUsage(pid);
    if (first) this.last = { t: Date.now(), cpuSeconds: first.cpuSeconds, machineBusySeconds: readMachineBusySeconds() };
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

  /** the reading at the start of the newest sample's interval */
  private newestFrom: Reading | null = null;

  private sample(final = false): void {
    if (this.pid === null) return;
    const t = Date.now();
    const usage = readProcessUsage(this.pid);
    const machineBusySeconds = readMachineBusySeconds();
    if (!usage || !this.last || t <= this.last.t || usage.cpuSeconds < this.last.cpuSeconds) {
      if (usage) this.last = { t, cpuSeconds: usage.cpuSeconds, machineBusySeconds };
      return;
    }
    // a last reading soon after the previous one is folded into it: a short interval in clock
    // ticks would give a noisy figure in cores
    const fold = final && t - this.last.t < this.intervalMs / 4 && this.newestFrom !== null && this.samples.length > 0;
    const from = fold ? this.newestFrom! : this.last;
    const intervalMs = t - from.t;
    const cores = (seconds: number) => Math.round((seconds / (intervalMs / 1000)) * 1000) / 1000;
    const sample = {
      t, intervalMs, cpuCores: cores(usage.cpuSeconds - from.cpuSeconds), rssMb: usage.rssMb, cpuSeconds: usage.cpuSeconds,
      machineBusyCores: machineBusySeconds !== null && from.machineBusySeconds !== null ? cores(machineBusySeconds - from.machineBusySeconds) : null,
    };
    if (fold) this.samples[this.samples.length - 1] = sample;
    else this.samples.push(sample);
    this.newestFrom = from;
    this.last = { t, cpuSeconds: usage.cpuSeconds, machineBusySeconds };
  }
}
