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

export async function pauseContainer(id: string): Promise<void> {
  await (await engineContainer(id)).pause();
}

export async function unpauseContainer(id: string): Promise<void> {
  await (await engineContainer(id)).unpause();
}
