// Children die with the harness, however it ends (kill -9, the OOM killer, a cancelled CI job), by
// two layers:
// - pdeathsig: on Linux every child is started through util-linux's `setpriv --pdeathsig SIGKILL`,
//   so the kernel kills it the moment the harness dies. It reaches the child itself only (not what
//   a relay command's shell starts), it is cleared by a set-user-ID exec, and it fires when the
//   *thread* that forked ends: Node forks from the thread that calls spawn(), so it is used from
//   the main thread only (a child spawned in a worker thread would die with the worker).
// - the watchdog: one `/bin/sh` per harness, in a session of its own, blocked reading a pipe whose
//   only writer is the harness. When the harness ends the kernel closes the pipe, `read` returns,
//   and if the harness left its record (harness-record.ts) the watchdog execs end-dead-harness.ts,
//   which ends every recorded process with its whole process group and descendants. A harness that
//   exits cleanly has removed its record: the watchdog then just exits. Linux and macOS alike.
// CHAOS_LIFELINE picks the layers: "pdeathsig,watchdog" (default), one of them, or "off" (a
// harness that leaves its children behind when killed, which `clean` must then find: for tests).
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";
import { InputError } from "../../errors.ts";
import { findAllOnPath } from "../../toolchain/find-on-path.ts";

const LIFELINE_VARIABLE = "CHAOS_LIFELINE";
const LAYERS = ["pdeathsig", "watchdog"] as const;
type Layer = (typeof LAYERS)[number];

/** The file lifeline watchdogs append to when they end what a dead harness left (in the runtime folder). */
const LIFELINE_LOG = "lifeline.log";

export function lifelineLayers(env: NodeJS.ProcessEnv = process.env): Set<Layer> {
  const value = env[LIFELINE_VARIABLE]?.trim();
  if (value === undefined || value === "") return new Set(LAYERS);
  if (value === "off") return new Set();
  const layers = value.split(",").map((s) => s.trim());
  const unknown = layers.filter((l) => !(LAYERS as readonly string[]).includes(l));
  if (unknown.length) throw new InputError(`${LIFELINE_VARIABLE}=${value}: unknown ${unknown.join(", ")}; allowed: ${LAYERS.join(",")} (default), one of them, or off`);
  return new Set(layers as Layer[]);
}

let setpriv: string | null | undefined;

/** `command args` started so that the kernel kills it when this process dies (where setpriv can). */
export function withParentDeathSignal(command: string, args: string[]): [string, string[]] {
  if (!lifelineLayers().has("pdeathsig") || process.platform !== "linux" || !isMainThread) return [command, args];
  setpriv ??= findAllOnPath("setpriv")[0] ?? null;
  return setpriv ? [setpriv, ["--pdeathsig", "SIGKILL", "--", command, ...args]] : [command, args];
}

let watchdog: ChildProcess | null = null;

/**
 * Starts this harness's watchdog over `recordFile` unless one runs. It does not keep the harness
 * alive, and a watchdog that dies (killed by hand) is started again at the next record write.
 */
export function ensureLifelineWatchdog(recordFile: string): void {
  if (watchdog || !lifelineLayers().has("watchdog")) return;
  const script = fileURLToPath(new URL("./end-dead-harness.ts", import.meta.url));
  const repository = fileURLToPath(new URL("../../../", import.meta.url)); // where tsx resolves
  const log = join(dirname(recordFile), LIFELINE_LOG);
  // $0 node, $1 the record, $2 the script, $3 the log
  const program = 'read -r _; [ -e "$1" ] || exit 0; exec "$0" --import tsx "$2" "$1" >>"$3" 2>&1';
  let child: ChildProcess;
  try {
    child = spawn("/bin/sh", ["-c", program, process.execPath, recordFile, script, log], { cwd: repository, detached: true, stdio: ["pipe", "ignore", "ignore"] });
  } catch (error) {
    process.stderr.write(`warning: no lifeline watchdog (${(error as Error).message}): \`npm run chaos -- clean\` ends what a killed harness leaves\n`);
    return;
  }
  child.on("error", () => undefined); // /bin/sh missing: nothing watches, clean still works
  child.stdin?.on("error", () => undefined); // the watchdog was killed: EPIPE is no harness error
  child.once("exit", () => {
    if (watchdog === child) watchdog = null;
  });
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  watchdog = child;
}
