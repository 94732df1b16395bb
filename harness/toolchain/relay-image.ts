// The relay's container image, e2ee-chaos/relay:<hash> and :latest (node-program-image.ts): from
// fixtures/relay/Dockerfile (FROM node:20-slim) where a registry answers, else from
// offline-images/relay.Dockerfile (FROM scratch with the host's node binary and its libraries).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildRelayBundle } from "../../fixtures/relay/build-relay-bundle.ts";
import type { ImagePolicy } from "./image-policy.ts";
import { ensureNodeProgramImage, nodeProgramImageName, type NodeProgramImageRecipe } from "./node-program-image.ts";
import type { ResolvedImage } from "./resolved-image.ts";
import { PROJECT_ROOT } from "./tools-dir.ts";
import { LOCAL_IMAGES } from "./versions.ts";

export const RELAY_BUNDLE_PATH = join(PROJECT_ROOT, "dist", "relay.mjs");

const RELAY_IMAGE: NodeProgramImageRecipe = {
  repository: LOCAL_IMAGES.relayRepository,
  what: "the relay",
  bundle: () => buildRelayBundle(RELAY_BUNDLE_PATH),
  onlineDockerfile: join(PROJECT_ROOT, "fixtures", "relay", "Dockerfile"),
  offlineDockerfile: join(dirname(fileURLToPath(import.meta.url)), "offline-images", "relay.Dockerfile"),
  emptyDirs: ["data"],
  keep: 3,
};

/** Builds the bundle and names the image for it (without touching the container engine). */
export async function relayImageName(): Promise<string> {
  return (await nodeProgramImageName(RELAY_IMAGE)).name;
}

export function ensureRelayImage(options: { policy?: ImagePolicy; log?: (line: string) => void } = {}): Promise<ResolvedImage> {
  return ensureNodeProgramImage(RELAY_IMAGE, options);
}
