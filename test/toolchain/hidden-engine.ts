// A shell command line that runs a command on this machine with its container engine hidden, in a
// private mount namespace (root and unshare only; CI runs as root): an empty /run/podman hides
// Podman's socket, /dev/null over the podman binary means Podman cannot be started, and over
// Docker's socket hides Docker. `hideAlso` lists more programs to hide the same way.
import { spawn, spawnSync } from "node:child_process";
import { findAllOnPath } from "../../harness/toolchain/find-on-path.ts";

export function canHideEngine(): boolean {
  return process.getuid?.() === 0 && spawnSync("unshare", ["-m", "true"]).status === 0;
}

export interface HiddenEngineRun {
  code: number | null;
  output: string;
}

/** Runs `command` (a shell command line) without a container engine; stdout and stderr together. */
export async function runWithoutEngine(command: string, hideAlso: string[] = []): Promise<HiddenEngineRun> {
  const script = [
    "mkdir -p /run/podman && mount -t tmpfs tmpfs /run/podman",
    ...["podman", ...hideAlso].flatMap((name) => findAllOnPath(name)).map((p) => `mount --bind /dev/null ${p}`),
    "[ ! -S /var/run/docker.sock ] || mount --bind /dev/null /var/run/docker.sock",
    `exec ${command}`,
  ].join(" && ");
  const env = { ...process.env };
  for (const name of ["DOCKER_HOST", "CHAOS_ENV", "XDG_RUNTIME_DIR"]) delete env[name];
  const child = spawn("unshare", ["-m", "--propagation", "private", "sh", "-c", script], { stdio: ["ignore", "pipe", "pipe"], env });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, output };
}
