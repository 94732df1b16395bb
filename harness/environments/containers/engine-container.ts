// Low-level actions on a running container that Testcontainers does not offer (kill -9, pause).
import type Dockerode from "dockerode";
import { getContainerRuntimeClient } from "testcontainers";

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
