// The processes a test's child started, read from /proc: what is left of a run is checked by them.
import { readdirSync, readFileSync } from "node:fs";
import { procStatFields } from "../../harness/record/proc-stat.ts";

/** Every process below `root`. */
export function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = procStatFields(Number(entry))?.[1]; // none: gone
    if (ppid !== undefined) parentOf.set(Number(entry), Number(ppid));
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parentOf) if (parent === pid) (found.push(child), walk(child));
  };
  walk(root);
  return found;
}

/** A process's command line ("" once it is gone). */
export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  } catch {
    return "";
  }
}
