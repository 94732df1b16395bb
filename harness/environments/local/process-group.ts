// A child's whole process group (the child is its leader: it was spawned detached). A shell
// command may leave its real server as a grandchild, so signals go to the group and "stopped"
// means no process of the group is left.
import { readdirSync } from "node:fs";
import { procStatFields } from "../../record/proc-stat.ts";

/** Sends `signal` to every process of group `pgid`; a group already gone is no error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** True while a process of group `pgid` lives (zombies waiting to be reaped do not count). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return true; // no /proc: the signal test above is all there is
  }
  return pids.some((pid) => {
    const [state, , pgrp] = procStatFields(Number(pid)) ?? [];
    return state !== undefined && Number(pgrp) === pgid && state !== "Z";
  });
}

/** Resolves once group `pgid` is gone, or after `timeoutMs` (false then). */
export async function groupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Live (not zombie) processes whose process group is `pgid`, from /proc (empty where there is none). */
export function processGroupPids(pgid: number): number[] {
  return liveProcesses().filter((p) => p.pgrp === pgid).map((p) => p.pid);
}

/**
 * The processes of group `pgid` and all their descendants, wherever those put themselves: Erlang's
 * erl_child_setup (and the inet_gethost it starts) runs in a session of its own, outside the group
 * of the beam.smp that started it. Zombies are left out.
 */
export function processTreePids(pgid: number): number[] {
  const all = liveProcesses();
  const tree = new Set(all.filter((p) => p.pgrp === pgid).map((p) => p.pid));
  if (tree.size === 0) return [];
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

/** pid, parent and process group of every live process, from /proc/<pid>/stat */
function liveProcesses(): { pid: number; ppid: number; pgrp: number }[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  const processes = [];
  for (const entry of entries) {
    const [state, ppid, pgrp] = procStatFields(Number(entry)) ?? []; // none: gone meanwhile
    if (state !== undefined && state !== "Z" && state !== "X") processes.push({ pid: Number(entry), ppid: Number(ppid), pgrp: Number(pgrp) });
  }
  return processes;
}
