// Linux /proc readings for the bench: CPU seconds (utime + stime) of a process or a process tree,
// resident memory, and the filesystem type a path lives on (fsync on tmpfs costs nothing).
import { clockTicksPerSecond } from "../harness/record/process-usage-sampler.ts";
import { readFileSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { procStatFields as statFields } from "../harness/record/proc-stat.ts";

/** CPU seconds (user + system) the process used so far; NaN once it is gone. */
export function cpuSeconds(pid: number): number {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / clockTicksPerSecond() : NaN;
}

/** CPU seconds of the children this process has waited for (cutime + cstime of /proc/self/stat). */
export function reapedChildrenCpuSeconds(): number {
  const f = statFields("self");
  return f ? (Number(f[13]) + Number(f[14])) / clockTicksPerSecond() : NaN;
}

/** The pid and every live descendant (through /proc/<pid>/task/<tid>/children). */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number): void => {
    out.push(p);
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const tid of tids) {
      let children = "";
      try {
        children = readFileSync(`/proc/${p}/task/${tid}/children`, "utf8");
      } catch {
        continue;
      }
      for (const c of children.trim().split(/\s+/)) if (c) walk(Number(c));
    }
  };
  walk(pid);
  return out;
}

/** A reading summed over a process and its live descendants (those already gone are not counted). */
function sumOverTree(pid: number, read: (pid: number) => number): number {
  let sum = 0;
  for (const p of processTree(pid)) {
    const v = read(p);
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
}

/** CPU seconds of a process and its live descendants. */
export function treeCpuSeconds(pid: number): number {
  return sumOverTree(pid, cpuSeconds);
}

/** VmRSS in MB (1024 * 1024 bytes); NaN when it cannot be read. */
export function rssMb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Sum of VmRSS over a process tree, MB. */
export function treeRssMb(pid: number): number {
  return sumOverTree(pid, rssMb);
}

/** Filesystem type of the mount holding `path` (longest mount-point prefix in /proc/mounts). */
export function filesystemOf(path: string): string {
  const abs = resolve(path);
  let best = { mount: "", type: "unknown" };
  try {
    for (const line of readFileSync("/proc/mounts", "utf8").split("\n")) {
      const [, mount, type] = line.split(" ");
      if (!mount || !type) continue;
      const prefix = mount === "/" ? "/" : `${mount}/`;
      if ((abs === mount || abs.startsWith(prefix)) && mount.length >= best.mount.length) best = { mount, type };
    }
  } catch {
    // not Linux
  }
  return best.type;
}

/** Value of the sample `name` (exact, no labels) in Prometheus text; NaN when absent. */
export function promValue(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
  return match ? Number(match[1]) : NaN;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const round = (value: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** A CPU reading (seconds) at a time (epoch ms). */
export interface CpuSample { t: number; cpu: number }

/** CPU seconds at time t, interpolated between the samples around it. */
export function cpuAt(samples: CpuSample[], t: number): number {
  if (samples.length === 0) return NaN;
  if (t <= samples[0].t) return samples[0].cpu;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    if (t <= b.t) return a.cpu + ((b.cpu - a.cpu) * (t - a.t)) / Math.max(1, b.t - a.t);
  }
  return samples[samples.length - 1].cpu;
}
