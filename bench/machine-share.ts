// Who uses the machine during a bench run: the CPU of a process tree split by role (k6, the server
// under test: the reference relay, Prosody or ejabberd; Toxiproxy, the harness itself), sampled from
// /proc, so a figure can say whether k6 or the rest of the machine ran out. Linux only; elsewhere
// every share is null.
import { readFileSync } from "node:fs";
import { procStatFields } from "../harness/record/proc-stat.ts";
import { cpuAt, cpuSeconds, processTree, type CpuSample } from "./proc-stats.ts";

export const ROLES = ["k6", "server", "toxiproxy", "harness"] as const;
export type Role = (typeof ROLES)[number];
export type MachineShare = Record<Role, number | null>;

/**
 * The role of a process by its name and command line, as it is now (read at every sample: ejabberd
 * starts as `/bin/sh` and becomes `beam.smp` by exec). A process whose parent is the server (ejabberd's
 * erl_child_setup) is the server too. The harness's own command line names the suite file, which
 * names the target, so the server is told by the program it runs, not by a word in its arguments.
 */
export function roleOf(comm: string, argv: string[], parentRole: Role | undefined): Role {
  if (comm === "k6") return "k6";
  if (comm.startsWith("toxiproxy")) return "toxiproxy";
  if (parentRole === "server") return "server";
  // the reference relay (node fixtures/relay/...), Prosody (a Lua script: lua5.x /usr/bin/prosody), ejabberd (beam.smp)
  if (comm === "beam.smp" || comm === "prosody") return "server";
  const program = argv.slice(0, 2).join(" ");
  return /relay\.mjs|fixtures\/relay|\/prosody(\s|$)/.test(program) ? "server" : "harness";
}

function readRole(pid: number, roles: Map<number, Role>): Role {
  try {
    const comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const ppid = Number(procStatFields(pid)?.[1]);
    return roleOf(comm, argv, roles.get(ppid));
  } catch {
    return "harness";
  }
}

/** Samples a process tree's CPU by role every `everyMs` until stopped. */
export class MachineShareSampler {
  private readonly samples = new Map<Role, CpuSample[]>(ROLES.map((r) => [r, []]));
  /** the root process's own CPU: it only grows, whatever its children do (a dying child's role cannot be read) */
  private readonly root: CpuSample[] = [];
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(rootPid: number, everyMs = 500) {
    this.timer = setInterval(() => {
      const sums = new Map<Role, number>(ROLES.map((r) => [r, 0]));
      // parents come before their children in processTree's order
      const roles = new Map<number, Role>();
      for (const pid of processTree(rootPid)) {
        const cpu = cpuSeconds(pid);
        if (!Number.isFinite(cpu)) continue;
        const role = readRole(pid, roles);
        roles.set(pid, role);
        sums.set(role, sums.get(role)! + cpu);
      }
      const t = Date.now();
      for (const role of ROLES) this.samples.get(role)!.push({ t, cpu: sums.get(role)! });
      const own = cpuSeconds(rootPid);
      if (Number.isFinite(own)) this.root.push({ t, cpu: own });
    }, everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** CPU seconds the root process itself used between `from` and `to` (epoch ms); null: fewer than two readings. */
  rootCpuSeconds(from: number, to: number): number | null {
    return this.root.length > 1 ? Math.round((cpuAt(this.root, to) - cpuAt(this.root, from)) * 100) / 100 : null;
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

/** "k6 0.9, server 0.4, toxiproxy 0.5, harness 0.1" */
export function formatShare(share: MachineShare): string {
  return ROLES.map((r) => `${r} ${share[r] ?? "-"}`).join(", ");
}
