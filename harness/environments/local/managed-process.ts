// A child process the harness owns: output appended to a log file, and a registry of every live
// child so an interrupted run can kill them all. Children run in their own process group: a
// terminal's Ctrl-C (SIGINT to the whole foreground group) reaches only the harness, which heals the
// faults while Toxiproxy and the relay still run, then stops its children itself. With `group`
// (a command run through a shell) every signal goes to the child's whole process group, and it
// counts as stopped once no process of the group is left.
// Every child is also recorded in the runtime folder (harness-record.ts) and tied to the harness's
// life (lifeline.ts): a harness killed with SIGKILL takes its children with it, and what it could
// not take `npm run chaos -- clean` finds.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { basename } from "node:path";
import { forgetAllProcesses, forgetProcess, prepareRecord, recordedProcesses, recordProcess, type RecordedProcess } from "./harness-record.ts";
import { withParentDeathSignal } from "./lifeline.ts";
import { groupAlive, groupGone, signalGroup } from "./process-group.ts";
import { processStartTime } from "./process-identity.ts";

/** every live child, with the way to signal it (itself, or its process group) */
const live = new Map<ChildProcess, (signal: NodeJS.Signals) => void>();

export interface ManagedProcess {
  child: ChildProcess;
  exited: Promise<void>;
  isRunning(): boolean;
  /** sends `signal` to the child (with `group`: to its process group), without waiting */
  signal(signal: NodeJS.Signals): void;
  /** sends `signal` and waits for the exit (SIGKILL after `graceMs`) */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** `name`: what it is called in the runtime record and by `clean` ("relay", "k6"; default: the command's file name). */
export function startProcess(command: string, args: string[], options: { env?: Record<string, string>; logFile: string; group?: boolean; name?: string }): ManagedProcess {
  prepareRecord(); // a runtime folder that cannot take the record fails the run before anything starts
  const log = createWriteStream(options.logFile, { flags: "a" });
  const [file, argv] = withParentDeathSignal(command, args);
  const child = spawn(file, argv, { env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const recorded: RecordedProcess | null = child.pid === undefined ? null : recordProcess({ name: options.name ?? basename(command), pid: child.pid, group: options.group === true });
  const signal = (sig: NodeJS.Signals): void => {
    if (options.group && child.pid !== undefined) signalGroup(child.pid, sig);
    else child.kill(sig);
  };
  live.set(child, signal);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once("exit", () => {
    live.delete(child);
    // a group outlives its leader while a member runs (a relay command's server): stop() waits for it
    if (recorded && !(options.group && groupAlive(recorded.pid))) forgetProcess(recorded);
    resolve();
  }));
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    exited,
    isRunning,
    signal,
    async stop(sig = "SIGTERM", graceMs = 10_000) {
      const pid = child.pid;
      if (!isRunning() && !(options.group && pid !== undefined && groupAlive(pid))) {
        if (recorded) forgetProcess(recorded);
        return;
      }
      signal(sig);
      const started = Date.now();
      const timer = setTimeout(() => signal("SIGKILL"), graceMs);
      await exited;
      // the shell may go first: its server still holds the ports until it is gone too
      if (options.group && pid !== undefined && !(await groupGone(pid, Math.max(0, graceMs - (Date.now() - started))))) {
        signalGroup(pid, "SIGKILL");
        await groupGone(pid, 2000);
      }
      clearTimeout(timer);
      if (recorded && !(options.group && groupAlive(recorded.pid))) forgetProcess(recorded);
    },
  };
}

/** SIGKILL to every child still alive, now (for a forced exit: nothing may outlive the harness). */
export function killAllProcessesNow(): void {
  for (const signal of live.values()) {
    try {
      signal("SIGCONT");
      signal("SIGKILL");
    } catch { /* already gone */ }
  }
  killLeaderlessGroups();
}

// whatever way the harness exits, its children do not outlive it; what this handler cannot run for
// (SIGKILL, a fatal signal, a V8 abort) the lifeline handles. A record still naming temporary
// folders is left for the lifeline watchdog, which removes them once the processes are gone.
process.once("exit", () => {
  killAllProcessesNow();
  forgetAllProcesses();
});

/** Kills every child still alive, continuing any that were stopped first (for Ctrl-C and crashes). */
export async function killAllProcesses(): Promise<void> {
  killLeaderlessGroups();
  await Promise.all([...live].map(([child, signal]) => new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    signal("SIGCONT");
    signal("SIGKILL");
  })));
}

/** Groups whose leader (a shell) exited while a member still runs: no longer in `live`, still recorded. */
function killLeaderlessGroups(): void {
  for (const recorded of recordedProcesses()) {
    if (!recorded.group) continue;
    // its leader's pid taken by a later process: the group ended and its id was reused
    const start = processStartTime(recorded.pid);
    if (start !== null && recorded.startTime !== null && start !== recorded.startTime) continue;
    try {
      signalGroup(recorded.pid, "SIGCONT");
      signalGroup(recorded.pid, "SIGKILL");
    } catch { /* not ours to signal */ }
  }
}
