// Finds a Docker-compatible container engine for Testcontainers, and starts Podman's API service if needed.
//
// Order: $DOCKER_HOST, /var/run/docker.sock, /run/podman/podman.sock, $XDG_RUNTIME_DIR/podman/podman.sock.
// The first that answers /_ping wins. If none answers and Podman is installed, we start
// `podman system service --time=0` ourselves. Then DOCKER_HOST (and, for Podman,
// TESTCONTAINERS_RYUK_DISABLED=true: Ryuk's image may not be pullable and our tests clean up
// themselves; TESTCONTAINERS_HOST_OVERRIDE=localhost, see useEngine) are set for this process,
// before Testcontainers first reads them.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentError } from "../errors.ts";
import { dockerApiGet } from "./docker-api-get.ts";
import { podmanInstalled, podmanServiceCommand, podmanSocketPath, startPodmanService } from "./podman-service.ts";

export interface ContainerEngine {
  kind: "docker" | "podman";
  version: string;
  /** DOCKER_HOST form, e.g. unix:///run/podman/podman.sock */
  socket: string;
  /** OCI runtime the engine reports (runc, crun), when it says. */
  runtime?: string;
  startedByUs: boolean;
}

export const INSTALL_ENGINE_FIX = "apt-get install -y podman runc (or install Docker)";

export function candidateSockets(env: NodeJS.ProcessEnv = process.env): string[] {
  const list: string[] = [];
  if (env.DOCKER_HOST) list.push(env.DOCKER_HOST);
  list.push("unix:///var/run/docker.sock", "unix:///run/podman/podman.sock");
  if (env.XDG_RUNTIME_DIR) list.push(`unix://${join(env.XDG_RUNTIME_DIR, "podman", "podman.sock")}`);
  return [...new Set(list)];
}

/** Asks one address for /_ping and /version; undefined when it does not answer. */
export async function probeEngine(socket: string): Promise<Omit<ContainerEngine, "startedByUs"> | undefined> {
  if (socket.startsWith("unix://") && !existsSync(socket.slice(7))) return undefined;
  try {
    const ping = await dockerApiGet(socket, "/_ping");
    if (ping.status !== 200) return undefined;
    const version = JSON.parse((await dockerApiGet(socket, "/version")).body) as {
      Version?: string;
      Components?: { Name?: string; Version?: string }[];
    };
    const podman = version.Components?.find((c) => /podman/i.test(c.Name ?? ""));
    let runtime: string | undefined;
    try {
      runtime = (JSON.parse((await dockerApiGet(socket, "/info")).body) as { DefaultRuntime?: string }).DefaultRuntime;
    } catch {
      runtime = undefined;
    }
    return {
      kind: podman ? "podman" : "docker",
      version: podman?.Version ?? version.Version ?? "unknown",
      socket,
      ...(runtime ? { runtime } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The first engine that answers, without starting anything. */
export async function detectContainerEngine(): Promise<ContainerEngine | undefined> {
  for (const socket of candidateSockets()) {
    const found = await probeEngine(socket);
    if (found) return { ...found, startedByUs: false };
  }
  return undefined;
}

export interface EnsureEngineOptions {
  /** Start Podman's service when Podman is installed but nothing answers (default true). */
  start?: boolean;
  startTimeoutMs?: number;
  log?: (line: string) => void;
}

let cached: ContainerEngine | undefined;

/** Finds (or starts) an engine and points this process's Testcontainers at it. Throws EnvironmentError with the fix. */
export async function ensureContainerEngine(options: EnsureEngineOptions = {}): Promise<ContainerEngine> {
  if (cached && (await probeEngine(cached.socket))) {
    await useEngine(cached);
    return cached;
  }
  let engine = await detectContainerEngine();
  if (!engine && options.start !== false) engine = await startPodman(options);
  if (!engine) {
    const podman = await podmanInstalled();
    const tried = candidateSockets().join(", ");
    if (!podman) throw new EnvironmentError(`no container engine answers (tried ${tried}) and Podman is not installed`, INSTALL_ENGINE_FIX);
    throw new EnvironmentError(`no container engine answers (tried ${tried}); Podman ${podman} is installed but its API service is not running`, podmanServiceCommand());
  }
  await useEngine(engine);
  cached = engine;
  return engine;
}

/** Sets the variables Testcontainers reads (keeping any the user has set). */
export async function useEngine(engine: ContainerEngine): Promise<void> {
  process.env.DOCKER_HOST = engine.socket;
  if (engine.kind !== "podman") return;
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
  // Podman's API service is a process on this machine, so published ports are on localhost. Without
  // this, Testcontainers sees /.dockerenv (when this machine is itself a container) and uses the
  // default bridge's gateway, which only reaches containers on that bridge, not on our own networks.
  if (engine.socket.startsWith("unix://") && (await podmanInstalled())) process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "localhost";
}

async function startPodman(options: EnsureEngineOptions): Promise<ContainerEngine | undefined> {
  const socketPath = podmanSocketPath();
  if (!socketPath || !(await podmanInstalled())) return undefined;
  const socket = `unix://${socketPath}`;
  const logFile = startPodmanService(socketPath);
  options.log?.(`-> started podman system service --time=0 ${socket} (log: ${logFile})`);
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    const found = await probeEngine(socket);
    if (found) return { ...found, startedByUs: true };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new EnvironmentError(
    `started Podman's API service but ${socket} did not answer within ${options.startTimeoutMs ?? 20_000} ms (see ${logFile})`,
    podmanServiceCommand(socketPath),
  );
}
