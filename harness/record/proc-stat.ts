// The fields of /proc/<pid>/stat after "(comm)" (comm may hold spaces and parentheses, so the
// split is after the last ')'): [0] is field 3 (state), [1] ppid, [2] pgrp, [11] utime, [12] stime,
// [13] cutime, [14] cstime, [19] starttime. Null when the process is gone or there is no /proc.
import { readFileSync } from "node:fs";

export function procStatFields(pid: number | "self"): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).trim().split(" ");
  } catch {
    return null;
  }
}
