// The relay's container image, tagged e2ee-chaos/relay:<hash of the bundle and the recipes>.
// An image with that tag is reused as is, so repeated runs skip the build.
//
// Where a registry answers (CHAOS_IMAGES=auto|pull) it is built from fixtures/relay/Dockerfile
// (FROM node:20-slim). Otherwise (auto after a failed pull, or build) from
// offline-images/relay.Dockerfile: FROM scratch with the host's node binary and its libraries.
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildRelayBundle } from "../../fixtures/relay/build-relay-bundle.ts";
import { EnvironmentError } from "../errors.ts";
import { buildImage, imageExists, pruneOldTags, tryPullImage } from "./image-store.ts";
import { imagePolicy, type ImagePolicy } from "./image-policy.ts";
import { copyNodeRuntime } from "./node-runtime-files.ts";
import type { ResolvedImage } from "./resolved-image.ts";
import { PROJECT_ROOT } from "./tools-dir.ts";
import { LOCAL_IMAGES, OFFICIAL_IMAGES } from "./versions.ts";

/** Relay images of older bundles kept besides the newest (another checkout may still use them). */
const KEEP_RELAY_IMAGES = 3;

export const RELAY_BUNDLE_PATH = join(PROJECT_ROOT, "dist", "relay.mjs");
const ONLINE_DOCKERFILE = join(PROJECT_ROOT, "fixtures", "relay", "Dockerfile");
const OFFLINE_DOCKERFILE = join(dirname(fileURLToPath(import.meta.url)), "offline-images", "relay.Dockerfile");

/** Builds the bundle and names the image for it (without touching the container engine). */
export async function relayImageName(): Promise<string> {
  await buildRelayBundle(RELAY_BUNDLE_PATH);
  const hash = createHash("sha256")
    .update(readFileSync(RELAY_BUNDLE_PATH))
    .update(readFileSync(ONLINE_DOCKERFILE))
    .update(readFileSync(OFFLINE_DOCKERFILE))
    .update(process.version)
    .digest("hex")
    .slice(0, 16);
  return `${LOCAL_IMAGES.relayRepository}:${hash}`;
}

export async function ensureRelayImage(options: { policy?: ImagePolicy; log?: (line: string) => void } = {}): Promise<ResolvedImage> {
  const policy = options.policy ?? imagePolicy();
  const log = options.log ?? (() => {});
  const name = await relayImageName();
  if (await imageExists(name)) return { name, origin: "present" };

  if (policy !== "build") {
    const base = OFFICIAL_IMAGES.node;
    if ((await imageExists(base)) || (await tryPullImage(base, log))) {
      await buildInTemp(name, log, "from fixtures/relay/Dockerfile", (dir) => {
        copyFileSync(ONLINE_DOCKERFILE, join(dir, "Dockerfile"));
        mkdirSync(join(dir, "dist"));
        copyFileSync(RELAY_BUNDLE_PATH, join(dir, "dist", "relay.mjs"));
      });
      return { name, origin: "built-from-official-base" };
    }
    if (policy === "pull") {
      throw new EnvironmentError(`CHAOS_IMAGES=pull but ${base} could not be pulled`, "CHAOS_IMAGES=auto (builds the relay image offline)");
    }
    log(`   no registry answered for ${base}: building the relay image offline`);
  }
  await buildInTemp(name, log, "offline (FROM scratch, host node)", async (dir) => {
    copyFileSync(OFFLINE_DOCKERFILE, join(dir, "Dockerfile"));
    const rootfs = join(dir, "rootfs");
    await copyNodeRuntime(rootfs);
    mkdirSync(join(rootfs, "app"), { recursive: true });
    copyFileSync(RELAY_BUNDLE_PATH, join(rootfs, "app", "relay.mjs"));
    for (const empty of ["tmp", "data"]) {
      mkdirSync(join(rootfs, empty));
      chmodSync(join(rootfs, empty), 0o1777);
    }
  });
  return { name, origin: "built-offline" };
}

async function buildInTemp(name: string, log: (line: string) => void, how: string, assemble: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "relay-image-"));
  const started = Date.now();
  log(`-> building image ${name} ${how}`);
  try {
    await assemble(dir);
    await buildImage(dir, name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  log(`   done: ${name} in ${Date.now() - started} ms`);
  await pruneOldTags(LOCAL_IMAGES.relayRepository, KEEP_RELAY_IMAGES, log).catch(() => {});
}
