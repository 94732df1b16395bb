// k6's own dropped_iterations samples, each with the time k6 gave up on the arrival, without
// keeping the rest of its raw metric points: k6 writes its JSON output (--out json) into a named
// pipe, and grep keeps only the dropped_iterations points, in a small file of the scenario folder.
// k6 has no per-metric filter for its outputs; the pipe keeps the full stream off the disk.
import { spawnSync } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startProcess } from "../environments/local/managed-process.ts";

/** how k6's JSON output starts a dropped_iterations point (internal/output/json/wrapper.go: metric, type, data) */
export const DROPPED_POINT_PREFIX = '{"metric":"dropped_iterations","type":"Point"';

/** how long the filter may take to drain the pipe once k6 has exited */
const DRAIN_MS = 10_000;

export interface DropTap {
  /** the named pipe to give k6 as its JSON output */
  pipe: string;
  /** after k6 has exited: waits for the filter to write the last point, then removes the pipe */
  finish(): Promise<void>;
}

/** Starts the filter on a new named pipe; the points go to `outFile` (JSON lines, as k6 wrote them). */
export function startDropTap(outFile: string): DropTap {
  const dir = mkdtempSync(join(tmpdir(), "k6-json-"));
  const pipe = join(dir, "k6-metrics.pipe");
  const made = spawnSync("mkfifo", [pipe], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`mkfifo ${pipe} failed: ${made.error?.message ?? made.stderr.trim()}`);
  const filter = startProcess("grep", ["-F", DROPPED_POINT_PREFIX, pipe], { logFile: outFile, env: { LC_ALL: "C" }, name: "k6 dropped_iterations filter" });
  return {
    pipe,
    async finish() {
      // k6 that never opened the pipe (it failed first) leaves grep waiting in open(): a writer that
      // opens and closes it ends that wait; after k6 closed it, there is no reader left (ENXIO)
      try { closeSync(openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK)); } catch { /* the filter has its end of file already */ }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([filter.exited, new Promise<void>((resolve) => { timer = setTimeout(resolve, DRAIN_MS); })]);
      clearTimeout(timer);
      await filter.stop("SIGKILL", 1000); // nothing left to do once it exited; a filter stuck past DRAIN_MS is killed
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
