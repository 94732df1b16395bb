// A child process the harness owns: output appended to a log file, and a registry of every live
// child so an interrupted run can kill them all. Children run in their own process group: a
// terminal's Ctrl-C (SIGINT to the whole foreground group) reaches only the harness, which heals the
// faults while Toxiproxy and the relay still run, then stops its children itself. With `group`
// (a command run through a shell) every signal goes to the child's whole process group, and it
// counts as stopped once no process of the group is left.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { groupAlive, groupGone, signalGroup } from "./process-group.ts";

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

export function startProcess(command: string, args: string[], options: { env?: Record<string, string>; logFile: string; group?: boolean }): ManagedProcess {
  const log = createWriteStream(options.logFile, { flags: "a" });
  const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const signal = (sig: NodeJS.Signals): void => {
    if (options.group && child.pid !== undefined) signalGroup(child.pid, sig);
    else child.kill(sig);
  };
  live.set(child, signal);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once("exit", () => {
    live.delete(child);
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
      if (!isRunning() && !(options.group && pid !== undefined && groupAlive(pid))) return;
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
}

// whatever way the harness exits, its children do not outlive it
process.once("exit", killAllProcessesNow);

/** Kills every child still alive, continuing any that were stopped first (for Ctrl-C and crashes). */
export async function killAllProcesses(): Promise<void> {
  await Promise.all([...live].map(([child, signal]) => new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    signal("SIGCONT");
    signal("SIGKILL");
  })));
}
