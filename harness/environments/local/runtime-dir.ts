// The runtime folder: one record per running harness of the processes it started (harness-record.ts),
// read by `npm run chaos -- clean` and by the next run to end what a dead harness left behind.
// CHAOS_RUNTIME_DIR, else $XDG_RUNTIME_DIR/e2ee-chaos, else /tmp/e2ee-chaos-<uid> (macOS: the per-user
// temporary folder). Not TMPDIR on Linux: every harness of this user must find the same folder.
import { lstatSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EnvironmentError } from "../../errors.ts";

const RUNTIME_DIR_VARIABLE = "CHAOS_RUNTIME_DIR";

export function runtimeDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env[RUNTIME_DIR_VARIABLE]) return env[RUNTIME_DIR_VARIABLE];
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, "e2ee-chaos");
  const uid = process.getuid?.() ?? "user";
  return join(process.platform === "darwin" ? tmpdir() : "/tmp", `e2ee-chaos-${uid}`);
}

/** The runtime folder, made private to this user on first use; one somebody else owns is refused. */
export function ensureRuntimeDir(): string {
  const dir = runtimeDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) {
    throw new EnvironmentError(
      `the runtime folder ${dir} (where each run records the processes it starts) is ${stat.isDirectory() ? `owned by uid ${stat.uid}, not by this user (uid ${uid})` : "not a directory"}`,
      `remove it, or point ${RUNTIME_DIR_VARIABLE} at a folder of your own`,
    );
  }
  return dir;
}
