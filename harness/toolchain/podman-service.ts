// Starting Podman's Docker-compatible API service ourselves when Podman is installed but not serving.
import { spawn, execFile } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function podmanInstalled(): Promise<string | undefined> {
  try {
    const { stdout } = await run("podman", ["--version"], { timeout: 10_000 });
    return /version (\S+)/.exec(stdout)?.[1] ?? stdout.trim();
  } catch {
    return undefined;
  }
}

/** Where Podman serves its API: rootful /run/podman, rootless $XDG_RUNTIME_DIR/podman. */
export function podmanSocketPath(): string | undefined {
  if (process.getuid?.() === 0) return "/run/podman/podman.sock";
  return process.env.XDG_RUNTIME_DIR ? join(process.env.XDG_RUNTIME_DIR, "podman", "podman.sock") : undefined;
}

export function podmanServiceCommand(socketPath = podmanSocketPath() ?? "/run/podman/podman.sock"): string {
  return `mkdir -p ${dirname(socketPath)} && (cd / && podman system service --time=0 unix://${socketPath} &)`;
}

/**
 * Starts `podman system service --time=0` detached (it outlives this process, as the set-up
 * recipe does), from `/`: containers fail to start ("Failed to get working directory" from
 * conmon) once the directory it was started from is deleted, such as a CI clone.
 */
export function startPodmanService(socketPath: string): string {
  mkdirSync(dirname(socketPath), { recursive: true });
  const logFile = join(tmpdir(), "e2ee-chaos-podman-service.log");
  const out = openSync(logFile, "a");
  const child = spawn("podman", ["system", "service", "--time=0", `unix://${socketPath}`], {
    detached: true,
    cwd: "/",
    stdio: ["ignore", out, out],
  });
  child.unref();
  return logFile;
}
