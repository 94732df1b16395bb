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

/** Builds <dir>/Dockerfile as `name` (with its ARGs from `buildArgs`); the image is kept (not tied to a Testcontainers session). */
export async function buildImage(dir: string, name: string, buildArgs: Record<string, string> = {}): Promise<void> {
  await GenericContainer.fromDockerfile(dir).withBuildArgs(buildArgs).build(name, { deleteOnExit: false });
}

/** Gives the image `source` the name `target` too (repository:tag), moving that name if another image had it. */
export async function tagImage(source: string, target: string): Promise<void> {
  const client = await getContainerRuntimeClient();
  const at = target.lastIndexOf(":");
  await client.container.dockerode.getImage(source).tag({ repo: target.slice(0, at), tag: target.slice(at + 1) });
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

/**
 * Removes all but the `keep` newest tags of a repository (e.g. relay images of older bundles).
 * An image a container still uses is refused by the engine and stays; that is fine.
 */
export async function pruneOldTags(repository: string, keep: number, log?: (line: string) => void): Promise<void> {
  const client = await getContainerRuntimeClient();
  const docker = client.container.dockerode;
  const pattern = new RegExp(`(^|/)${repository.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:`);
  const images = (await docker.listImages()).filter((image) => (image.RepoTags ?? []).some((tag) => pattern.test(tag)));
  images.sort((a, b) => b.Created - a.Created);
  for (const image of images.slice(keep)) {
    // :latest names the newest image (tagImage moves it there); it is never removed here
    for (const tag of (image.RepoTags ?? []).filter((t) => pattern.test(t) && !t.endsWith(":latest"))) {
      try {
        await docker.getImage(tag).remove();
        log?.(`   removed old image ${tag}`);
      } catch {
        // still in use, or already gone
      }
    }
  }
}
