// A child process the harness owns: output appended to a log file, and a registry of every live
// child so an interrupted run can kill them all. Children run in their own process group: a
// terminal's Ctrl-C (SIGINT to the whole foreground group) reaches only the harness, which heals the
// faults while Toxiproxy and the relay still run, then stops its children itself.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";

const live = new Set<ChildProcess>();

export interface ManagedProcess {
  child: ChildProcess;
  exited: Promise<void>;
  isRunning(): boolean;
  /** sends `signal` and waits for the exit (SIGKILL after `graceMs`) */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export function startProcess(command: string, args: string[], options: { env?: Record<string, string>; logFile: string }): ManagedProcess {
  const log = createWriteStream(options.logFile, { flags: "a" });
  const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  live.add(child);
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
    async stop(signal = "SIGTERM", graceMs = 10_000) {
      if (!isRunning()) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** SIGKILL to every child still alive, now (for a forced exit: nothing may outlive the harness). */
export function killAllProcessesNow(): void {
  for (const child of live) {
    try {
      child.kill("SIGCONT");
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }
}

// whatever way the harness exits, its children do not outlive it
process.once("exit", killAllProcessesNow);

/** Kills every child still alive, continuing any that were stopped first (for Ctrl-C and crashes). */
export async function killAllProcesses(): Promise<void> {
  await Promise.all([...live].map((child) => new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGCONT");
    child.kill("SIGKILL");
  })));
}
