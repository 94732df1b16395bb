// Who uses the machine during a bench run: the CPU of a process tree split by role (k6, the relay,
// Toxiproxy, the harness itself), sampled from /proc, so a figure can say whether k6 or the rest
// of the machine ran out. Linux only; elsewhere every share is null.
import { readFileSync } from "node:fs";
import { cpuAt, cpuSeconds, processTree, type CpuSample } from "./proc-stats.ts";

export const ROLES = ["k6", "relay", "toxiproxy", "harness"] as const;
export type Role = (typeof ROLES)[number];
export type MachineShare = Record<Role, number | null>;

function roleOf(pid: number): Role {
  let comm = "";
  let cmdline = "";
  try {
    comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "harness";
  }
  if (comm === "k6") return "k6";
  if (comm.startsWith("toxiproxy")) return "toxiproxy";
  return /relay\.mjs|fixtures\/relay/.test(cmdline) ? "relay" : "harness";
}

/** Samples a process tree's CPU by role every `everyMs` until stopped. */
export class MachineShareSampler {
  private readonly samples = new Map<Role, CpuSample[]>(ROLES.map((r) => [r, []]));
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(rootPid: number, everyMs = 500) {
    const roles = new Map<number, Role>();
    this.timer = setInterval(() => {
      const sums = new Map<Role, number>(ROLES.map((r) => [r, 0]));
      for (const pid of processTree(rootPid)) {
        const cpu = cpuSeconds(pid);
        if (!Number.isFinite(cpu)) continue;
        if (!roles.has(pid)) roles.set(pid, roleOf(pid));
        const role = roles.get(pid)!;
        sums.set(role, sums.get(role)! + cpu);
      }
      const t = Date.now();
      for (const role of ROLES) this.samples.get(role)!.push({ t, cpu: sums.get(role)! });
    }, everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Cores each role used between `from` and `to` (epoch ms). */
  share(from: number, to: number): MachineShare {
    const out = {} as MachineShare;
    for (const role of ROLES) {
      const s = this.samples.get(role)!;
      const used = cpuAt(s, to) - cpuAt(s, from);
      out[role] = s.length > 1 && Number.isFinite(used) ? Math.round((used / ((to - from) / 1000)) * 100) / 100 : null;
    }
    return out;
  }
}

/** "k6 0.9, relay 0.4, toxiproxy 0.5, harness 0.1" */
export function formatShare(share: MachineShare): string {
  return ROLES.map((r) => `${r} ${share[r] ?? "-"}`).join(", ");
}
