// Asking the container engine about images: does one exist, pull one, build one from a directory.
import { GenericContainer, getContainerRuntimeClient, ImageName } from "testcontainers";

export async function imageExists(name: string): Promise<boolean> {
  const client = await getContainerRuntimeClient();
  return client.image.exists(ImageName.fromString(name));
}

/** Pulls an image; resolves true only if the image is present afterwards (pull errors can hide in the stream). */
export async function tryPullImage(name: string, log?: (line: string) => void): Promise<boolean> {
  const client = await getContainerRuntimeClient();
  const started = Date.now();
  try {
    await client.image.pull(ImageName.fromString(name));
  } catch (error) {
    log?.(`   pull ${name} failed after ${Date.now() - started} ms: ${firstLine(error)}`);
    return false;
  }
  const present = await imageExists(name);
  if (!present) log?.(`   pull ${name} ended without the image (registry unreachable?)`);
  return present;
}

/** Builds <dir>/Dockerfile as `name`; the image is kept (not tied to a Testcontainers session). */
export async function buildImage(dir: string, name: string): Promise<void> {
  await GenericContainer.fromDockerfile(dir).build(name, { deleteOnExit: false });
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
