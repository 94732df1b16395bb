// How a run ends early, however the request arrives: Ctrl-C (SIGINT, often twice at once: from the
// terminal to the whole process group and forwarded again by npm), SIGTERM, SIGHUP (terminal
// closed), or an uncaught error in the harness itself. The first one aborts the run: the run heals
// every fault, stops every container and child process and writes the partial record. Signals that
// arrive within FORCE_AFTER_MS of that announcement are the same interrupt. Only a deliberate
// second Ctrl-C after that skips the rest: child processes are killed at once, containers are left
// to the next run or `npm run chaos -- clean` (they are labelled with the run and its owner).
import { killAllProcessesNow } from "../environments/local/managed-process.ts";
import { EXIT } from "../exit-codes.ts";

export const FORCE_AFTER_MS = 1000;
/** If cleanup has not finished this long after the interrupt, the harness cleans up and exits on its own. */
export const CLEANUP_DEADLINE_MS = 120_000;
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export interface Interrupts {
  signal: AbortSignal;
  /** the uncaught error that aborted the run, if that is what did */
  crash(): Error | null;
  dispose(): void;
}

export function installInterrupts(options: { write: (line: string) => void; emergencyCleanup: () => Promise<unknown> }): Interrupts {
  const controller = new AbortController();
  let abortedAt = 0;
  let crash: Error | null = null;
  let watchdog: NodeJS.Timeout | undefined;
  const say = (line: string) => {
    try {
      options.write(line);
    } catch { /* the terminal may be gone (SIGHUP) */ }
  };
  const begin = (reason: unknown, announcement: string) => {
    abortedAt = Date.now();
    say(announcement);
    controller.abort(reason);
    watchdog = setTimeout(() => {
      say(`cleanup did not finish within ${CLEANUP_DEADLINE_MS / 1000} s: killing child processes and removing this run's containers`);
      killAllProcessesNow();
      void options.emergencyCleanup().finally(() => process.exit(crash ? EXIT.sloFailed : EXIT.interrupted));
    }, CLEANUP_DEADLINE_MS);
    watchdog.unref();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      begin(signal, `\n${signal}: healing faults, stopping containers and processes, writing the partial record (Ctrl-C again after ${FORCE_AFTER_MS / 1000} s skips this)`);
      return;
    }
    // the same Ctrl-C delivered twice (terminal + npm), or a signal other than Ctrl-C: cleanup goes on
    if (signal !== "SIGINT" || Date.now() - abortedAt < FORCE_AFTER_MS) return;
    say(`\n${signal} again: skipping the rest of the cleanup; child processes killed, containers left for the next run or \`npm run chaos -- clean\``);
    killAllProcessesNow();
    process.exit(EXIT.interrupted);
  };
  const onCrash = (error: unknown) => {
    const err = error instanceof Error ? error : new Error(String(error));
    say(`\nerror: uncaught ${err.stack ?? err.message}`);
    if (controller.signal.aborted) return;
    crash = err;
    begin(err, "healing faults, stopping containers and processes, writing the partial record");
  };
  listenOnce();
  currentSignalHandler = onSignal;
  process.on("uncaughtException", onCrash);
  process.on("unhandledRejection", onCrash);
  return {
    signal: controller.signal,
    crash: () => crash,
    dispose() {
      clearTimeout(watchdog);
      // the run is over and the process about to exit: a late duplicate signal changes nothing
      if (currentSignalHandler === onSignal) currentSignalHandler = null;
      process.off("uncaughtException", onCrash);
      process.off("unhandledRejection", onCrash);
    },
  };
}

/** The run's signal handler; null between runs (signals are then ignored). */
let currentSignalHandler: ((signal: NodeJS.Signals) => void) | null = null;
let listening = false;

/** The process-wide listeners, installed once however many runs one process makes (tests run main() many times). */
function listenOnce(): void {
  if (listening) return;
  listening = true;
  // after SIGHUP the terminal is gone: a failed write must not become a second crash
  const ignore = () => undefined;
  process.stdout.on("error", ignore);
  process.stderr.on("error", ignore);
  for (const s of SIGNALS) process.on(s, (signal: NodeJS.Signals) => currentSignalHandler?.(signal));
}
