// The Toxiproxy container image: the official ghcr.io/shopify/toxiproxy where a registry answers,
// else e2ee-chaos/toxiproxy:<version> built FROM scratch from the static toxiproxy-server/-cli.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EnvironmentError } from "../errors.ts";
import { buildImage, imageExists, tryPullImage } from "./image-store.ts";
import { imagePolicy, type ImagePolicy } from "./image-policy.ts";
import { ensureToolPath } from "./ensure-tool.ts";
import type { ResolvedImage } from "./resolved-image.ts";
import { LOCAL_IMAGES, OFFICIAL_IMAGES } from "./versions.ts";

const OFFLINE_DOCKERFILE = join(dirname(fileURLToPath(import.meta.url)), "offline-images", "toxiproxy.Dockerfile");

export async function ensureToxiproxyImage(options: { policy?: ImagePolicy; log?: (line: string) => void } = {}): Promise<ResolvedImage> {
  const policy = options.policy ?? imagePolicy();
  const log = options.log ?? (() => {});
  const official = OFFICIAL_IMAGES.toxiproxy;
  const local = LOCAL_IMAGES.toxiproxy;

  if (policy !== "build" && (await imageExists(official))) return { name: official, origin: "present" };
  if (policy !== "pull" && (await imageExists(local))) return { name: local, origin: "present" };
  if (policy !== "build") {
    if (await tryPullImage(official, log)) return { name: official, origin: "pulled" };
    if (policy === "pull") throw new EnvironmentError(`CHAOS_IMAGES=pull but ${official} could not be pulled`, "CHAOS_IMAGES=auto (builds Toxiproxy's image offline)");
    log(`   no registry answered for ${official}: building ${local} from the local binaries`);
  }

  const server = await ensureToolPath("toxiproxy-server", log);
  const cli = await ensureToolPath("toxiproxy-cli", log);
  const dir = mkdtempSync(join(tmpdir(), "toxiproxy-image-"));
  const started = Date.now();
  log(`-> building image ${local} (FROM scratch, static toxiproxy-server)`);
  try {
    copyFileSync(OFFLINE_DOCKERFILE, join(dir, "Dockerfile"));
    copyFileSync(server, join(dir, "toxiproxy-server"));
    copyFileSync(cli, join(dir, "toxiproxy-cli"));
    await buildImage(dir, local);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  log(`   done: ${local} in ${Date.now() - started} ms`);
  return { name: local, origin: "built-offline" };
}
