// Low-level actions on a running container that Testcontainers does not offer (kill -9, pause,
// its CPU and memory).
import type Dockerode from "dockerode";
import { getContainerRuntimeClient } from "testcontainers";
import type { ServerUsage } from "../environment.ts";

export async function engineContainer(id: string): Promise<Dockerode.Container> {
  const client = await getContainerRuntimeClient();
  return client.container.getById(id);
}

/** Sends SIGKILL and waits until the engine reports the container as stopped. */
export async function killContainer(id: string, timeoutMs = 15_000): Promise<void> {
  const container = await engineContainer(id);
  await container.kill({ signal: "SIGKILL" });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await container.inspect()).State.Running) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`container ${id.slice(0, 12)} still running ${timeoutMs} ms after SIGKILL`);
}

/** SIGTERM, SIGKILL after `graceS`; returns once the engine reports the container as stopped (it is not removed). */
export async function stopContainer(id: string, graceS: number): Promise<void> {
  await (await engineContainer(id)).stop({ t: graceS });
}

export async function pauseContainer(id: string): Promise<void> {
  await (await engineContainer(id)).pause();
}

export async function unpauseContainer(id: string): Promise<void> {
  await (await engineContainer(id)).unpause();
}

/**
 * CPU seconds and memory of every process of the container, from the engine's stats
 * (GET /containers/{id}/stats?stream=false&one-shot=true: one reading, no wait for a second one):
 * cpu_stats.cpu_usage.total_usage (ns) since the container (this start of it) began, and
 * memory_stats.usage less the page cache the kernel can drop (inactive_file, as `docker stats`
 * shows it; Podman reports usage alone). Null when the engine has no figures (container stopped).
 */
export async function containerUsage(id: string): Promise<ServerUsage | null> {
  const stats = (await (await engineContainer(id)).stats({ stream: false, "one-shot": true })) as unknown as EngineStats;
  const cpuNs = stats.cpu_stats?.cpu_usage?.total_usage;
  const usage = stats.memory_stats?.usage;
  if (typeof cpuNs !== "number" || (cpuNs === 0 && !usage)) return null;
  const cache = stats.memory_stats?.stats?.inactive_file ?? stats.memory_stats?.stats?.total_inactive_file ?? 0;
  const rssMb = typeof usage === "number" && usage > 0 ? Math.round(((usage - (cache < usage ? cache : 0)) / 1048576) * 10) / 10 : null;
  return { cpuSeconds: Math.round(cpuNs / 1e7) / 100, rssMb };
}

/** what containerUsage() reads of the engine's stats (Docker and Podman fill in different parts) */
interface EngineStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: { inactive_file?: number; total_inactive_file?: number } };
}

/** Everything a container printed (stdout and stderr), as text. */
export async function containerLogs(id: string): Promise<string> {
  const raw = (await (await engineContainer(id)).logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  return demultiplex(raw);
}

/** The engine frames each chunk with an 8-byte header (stream, 0, 0, 0, size as uint32 BE) when there is no TTY. */
function demultiplex(raw: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length && raw[offset] <= 2 && raw.readUInt16BE(offset + 1) === 0 && raw[offset + 3] === 0) {
    const size = raw.readUInt32BE(offset + 4);
    parts.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return offset === 0 ? raw.toString("utf8") : Buffer.concat(parts).toString("utf8");
}
