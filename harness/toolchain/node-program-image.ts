// The image of a bundled Node program (the relay, the harness's collector), tagged
// <repository>:<hash of the bundle, the recipes and the host binaries it copies> and <repository>:latest.
// An image with the hash tag is reused as is, so repeated runs skip the build; :latest is moved to it.
//
// Where a registry answers (CHAOS_IMAGES=auto|pull) it is built from the recipe's online Dockerfile
// (FROM node:20-slim, context: dist/<bundle>). Otherwise (auto after a failed pull, or build) from its
// offline Dockerfile: FROM scratch with rootfs/ holding the host's node binary and its libraries,
// the bundle at /app/<bundle>, an empty /tmp, and the recipe's extra host binaries (in /usr/bin) with their libraries.
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { EnvironmentError } from "../errors.ts";
import { buildImage, imageExists, pruneOldTags, tagImage, tryPullImage } from "./image-store.ts";
import { imagePolicy, type ImagePolicy } from "./image-policy.ts";
import { copyBinaryWithLibraries, copyNodeRuntime } from "./node-runtime-files.ts";
import type { ResolvedImage } from "./resolved-image.ts";
import { OFFICIAL_IMAGES } from "./versions.ts";

export interface NodeProgramImageRecipe {
  /** e.g. e2ee-chaos/relay */
  repository: string;
  /** what the image runs, for log lines and errors: "the relay" */
  what: string;
  /** builds the bundle and resolves to its absolute path (its file name is the name in the image) */
  bundle: () => Promise<string>;
  onlineDockerfile: string;
  offlineDockerfile: string;
  /** host executables the offline image also needs (copied to /usr/bin, their libraries to the same paths) */
  hostBinaries?: () => string[];
  /** empty world-writable folders of the offline image besides /tmp */
  emptyDirs?: string[];
  /** images of older bundles kept besides the newest (another checkout may still use them) */
  keep: number;
}

/** Builds the bundle and names the image for it (without touching the container engine). */
export async function nodeProgramImageName(recipe: NodeProgramImageRecipe): Promise<{ name: string; bundle: string }> {
  const bundle = await recipe.bundle();
  const hash = createHash("sha256")
    .update(readFileSync(bundle))
    .update(readFileSync(recipe.onlineDockerfile))
    .update(readFileSync(recipe.offlineDockerfile))
    .update(process.version);
  for (const binary of recipe.hostBinaries?.() ?? []) hash.update(binary).update(readFileSync(binary));
  return { name: `${recipe.repository}:${hash.digest("hex").slice(0, 16)}`, bundle };
}

export async function ensureNodeProgramImage(
  recipe: NodeProgramImageRecipe,
  options: { policy?: ImagePolicy; log?: (line: string) => void } = {},
): Promise<ResolvedImage> {
  const policy = options.policy ?? imagePolicy();
  const log = options.log ?? (() => {});
  const { name, bundle } = await nodeProgramImageName(recipe);
  const resolved = (await imageExists(name)) ? { name, origin: "present" as const } : await build(recipe, name, bundle, policy, log);
  await tagImage(name, `${recipe.repository}:latest`);
  return resolved;
}

async function build(recipe: NodeProgramImageRecipe, name: string, bundle: string, policy: ImagePolicy, log: (line: string) => void): Promise<ResolvedImage> {
  const file = basename(bundle);
  if (policy !== "build") {
    const base = OFFICIAL_IMAGES.node;
    if ((await imageExists(base)) || (await tryPullImage(base, log))) {
      await buildInTemp(recipe, name, log, `from ${recipe.onlineDockerfile}`, (dir) => {
        copyFileSync(recipe.onlineDockerfile, join(dir, "Dockerfile"));
        mkdirSync(join(dir, "dist"));
        copyFileSync(bundle, join(dir, "dist", file));
      });
      return { name, origin: "built-from-official-base" };
    }
    if (policy === "pull") {
      throw new EnvironmentError(`CHAOS_IMAGES=pull but ${base} could not be pulled`, `CHAOS_IMAGES=auto (builds the image of ${recipe.what} offline)`);
    }
    log(`   no registry answered for ${base}: building the image of ${recipe.what} offline`);
  }
  await buildInTemp(recipe, name, log, "offline (FROM scratch, host node)", async (dir) => {
    copyFileSync(recipe.offlineDockerfile, join(dir, "Dockerfile"));
    const rootfs = join(dir, "rootfs");
    await copyNodeRuntime(rootfs);
    for (const binary of recipe.hostBinaries?.() ?? []) await copyBinaryWithLibraries(rootfs, binary, `/usr/bin/${basename(binary)}`);
    mkdirSync(join(rootfs, "app"), { recursive: true });
    copyFileSync(bundle, join(rootfs, "app", file));
    for (const empty of ["tmp", ...(recipe.emptyDirs ?? [])]) {
      mkdirSync(join(rootfs, empty));
      chmodSync(join(rootfs, empty), 0o1777);
    }
  });
  return { name, origin: "built-offline" };
}

async function buildInTemp(recipe: NodeProgramImageRecipe, name: string, log: (line: string) => void, how: string, assemble: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "node-program-image-"));
  const started = Date.now();
  log(`-> building image ${name} ${how}`);
  try {
    await assemble(dir);
    await buildImage(dir, name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  log(`   done: ${name} in ${Date.now() - started} ms`);
  await pruneOldTags(recipe.repository, recipe.keep, log).catch(() => {});
}
