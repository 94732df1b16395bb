// Ends what harnesses that are gone left running on this machine, from their records in the runtime
// folder (harness-record.ts): each recorded process that is still the one recorded (same start
// time: a reused pid is left alone), with its whole process group and every descendant when it was
// started as a group (a relay command's shell and server; ejabberd's erl_child_setup, which runs in a
// session of its own). A harness that still runs is never touched. Then its temporary folders, then
// its record. Used by `npm run chaos -- clean`, by every run before it starts, and by the lifeline
// watchdog of a harness that just died (end-dead-harness.ts).
import { rmSync } from "node:fs";
import { basename, isAbsolute } from "node:path";
import { readRecords, type HarnessRecord, type RecordedProcess } from "./harness-record.ts";
import { bootId, isSameProcess, processStartTime } from "./process-identity.ts";
import { groupAlive, processTreePids, signalGroup } from "./process-group.ts";

/** How long ended processes may take to disappear (SIGKILL: normally a few milliseconds). */
const GONE_TIMEOUT_MS = 3000;

type Harness = HarnessRecord["harness"];

export interface LocalSweep {
  /** processes ended: the recorded one and how many processes it took with it (its group, descendants) */
  ended: { process: RecordedProcess; harness: Harness; pids: number[] }[];
  /** recorded pids that now belong to another process (their start time differs): left alone */
  reused: { process: RecordedProcess; harness: Harness }[];
  /** harnesses that still run: nothing of theirs touched */
  running: { harness: Harness; processes: number }[];
  /** temporary folders of dead harnesses removed */
  directories: string[];
  /** records that could not be read or processes that could not be ended, with why */
  problems: string[];
}

/** Ends the leftovers of every dead harness recorded in `dir` (or of the one record `file`). */
export async function endLocalLeftovers(options: { dir?: string; file?: string } = {}): Promise<LocalSweep> {
  const sweep: LocalSweep = { ended: [], reused: [], running: [], directories: [], problems: [] };
  const thisBoot = bootId();
  for (const { file, record, error } of readRecords(options.dir)) {
    if (options.file !== undefined && file !== options.file) continue;
    if (!record) {
      sweep.problems.push(`${file}: unreadable (${error}), removed`);
      rmSync(file, { force: true });
      continue;
    }
    const { harness } = record;
    const sameBoot = harness.bootId === null || thisBoot === null || harness.bootId === thisBoot;
    if (sameBoot && isSameProcess(harness.pid, harness.startTime)) {
      sweep.running.push({ harness, processes: record.processes.length });
      continue;
    }
    const killed: number[] = [];
    let failed = false;
    // after a reboot nothing recorded can still run: every pid belongs to something else
    for (const recorded of sameBoot ? record.processes : []) {
      const outcome = endRecorded(recorded);
      if (outcome === "reused") sweep.reused.push({ process: recorded, harness });
      else if (typeof outcome === "string") {
        failed = true;
        sweep.problems.push(`${recorded.name} pid ${recorded.pid} of harness pid ${harness.pid}: ${outcome}`);
      } else if (outcome.length) {
        sweep.ended.push({ process: recorded, harness, pids: outcome });
        killed.push(...outcome);
      }
    }
    await gone(killed);
    for (const dir of record.directories) {
      // only what the harness made: absolute temporary folders named e2ee-chaos-*
      if (!isAbsolute(dir) || !basename(dir).startsWith("e2ee-chaos-")) continue;
      try {
        rmSync(dir, { recursive: true, force: true });
        sweep.directories.push(dir);
      } catch (e) {
        sweep.problems.push(`${dir}: not removed (${(e as Error).message})`);
      }
    }
    if (!failed) rmSync(file, { force: true });
  }
  return sweep;
}

/** SIGKILL to a recorded process (and its group and descendants): the pids ended, "reused", or why it failed. */
function endRecorded(recorded: RecordedProcess): number[] | "reused" | string {
  const start = processStartTime(recorded.pid);
  if (start !== null && recorded.startTime !== null && start !== recorded.startTime) return "reused";
  // A group whose leader exited lives on under the leader's pid as its id, which no new process
  // can take while a member remains: what is left of it is still the run's.
  const pids = recorded.group ? processTreePids(recorded.pid) : start !== null ? [recorded.pid] : [];
  const groupLeft = recorded.group && (pids.length > 0 || groupAlive(recorded.pid));
  if (pids.length === 0 && !groupLeft) return []; // already gone
  try {
    for (const signal of ["SIGCONT", "SIGKILL"] as const) {
      if (groupLeft) signalGroup(recorded.pid, signal);
      for (const pid of pids) kill(pid, signal);
    }
  } catch (error) {
    return (error as Error).message;
  }
  return pids.length ? pids : [recorded.pid]; // no /proc (macOS): the group, by its leader's pid
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** Waits until none of `pids` runs (zombies count as gone), at most GONE_TIMEOUT_MS. */
async function gone(pids: number[]): Promise<void> {
  const deadline = Date.now() + GONE_TIMEOUT_MS;
  while (pids.some((pid) => processStartTime(pid) !== null) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/**
 * What a sweep did, one line each: "ended relay pid 1234 (started 12:01:02 by harness pid 999,
 * gone)". `all`: also what it left alone (running harnesses, reused pids) and a line when there
 * was nothing to do.
 */
export function describeLocalSweep(sweep: LocalSweep, options: { all?: boolean } = {}): string[] {
  const lines = sweep.ended.map(({ process: p, harness, pids }) => {
    const others = pids.filter((pid) => pid !== p.pid);
    const what = !others.length ? `${p.name} pid ${p.pid}`
      : pids.includes(p.pid) ? `${p.name} pid ${p.pid} and ${others.length} more process(es) of its group (${others.join(", ")})`
      : `what was left of ${p.name} pid ${p.pid}: ${others.length} process(es) of its group (${others.join(", ")})`;
    return `ended ${what} (started ${clock(p.startedAt)} by harness pid ${harness.pid}, gone)`;
  });
  lines.push(...sweep.directories.map((d) => `removed ${d} (a temporary folder of a harness that is gone)`));
  lines.push(...sweep.problems);
  if (!options.all) return lines;
  lines.push(...sweep.reused.map(({ process: p, harness }) => `left pid ${p.pid} alone: it is no longer the ${p.name} harness pid ${harness.pid} started at ${clock(p.startedAt)} (its start time differs: the pid was reused)`));
  lines.push(...sweep.running.map(({ harness, processes }) => `harness pid ${harness.pid} still runs (started ${clock(harness.startedAt)}): its ${processes} process(es) left alone`));
  if (sweep.ended.length === 0 && sweep.directories.length === 0) lines.unshift("no local processes left by harnesses that are gone");
  return lines;
}

/** "12:01:02" today, "2026-12-05 12:01:02" (local time) another day. */
function clock(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
  return t.toDateString() === new Date().toDateString() ? time : `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${time}`;
}
