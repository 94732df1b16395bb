// Telling a process from a later one that got the same pid: its start time. On Linux field 22 of
// /proc/<pid>/stat (clock ticks after boot, set at fork, unchanged by exec) plus the boot id; where
// there is no /proc (macOS), `ps -o lstart=` (to the second). A record of "pid 1234 started at T"
// then names one process only: once 1234 is reused, its start time no longer matches.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { procStatFields } from "../../record/proc-stat.ts";

const HAS_PROC = (() => {
  try {
    readFileSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
})();

/**
 * The start time of live process `pid` as an opaque token ("123456" ticks after boot on Linux, the
 * `ps` start date elsewhere); null when there is no such process or it has exited (a zombie).
 */
export function processStartTime(pid: number): string | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (HAS_PROC) {
    const fields = procStatFields(pid);
    if (!fields) return null;
    return fields[0] === "Z" || fields[0] === "X" ? null : (fields[19] ?? null);
  }
  try {
    const line = execFileSync("ps", ["-o", "stat=,lstart=", "-p", String(pid)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const [state, ...start] = line.split(/\s+/);
    return !state || state.startsWith("Z") ? null : start.join(" ");
  } catch {
    return null; // ps exits 1 for a pid that does not exist
  }
}

/** True while `pid` is the process that had `startTime` (a recorded start time that is null: any live `pid`). */
export function isSameProcess(pid: number, startTime: string | null): boolean {
  const now = processStartTime(pid);
  return now !== null && (startTime === null || now === startTime);
}

/** This boot of the machine (Linux: /proc/sys/kernel/random/boot_id); null where it cannot be read. */
export function bootId(): string | null {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return null;
  }
}
