// The harness's container image, e2ee-chaos/harness:<hash> and :latest (node-program-image.ts, as
// the relay's): what the collector Job of `export k8s` runs. Its entrypoint is the collector
// (harness/export/k8s/collect/collector-main.ts), so the Job gives only collect's options. From
// harness/export/k8s/collect/Dockerfile (FROM node:20-slim) where a registry answers, else from
// offline-images/harness.Dockerfile (FROM scratch with the host's node and tar and their libraries).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EnvironmentError } from "../errors.ts";
import { buildCollectorBundle } from "../export/k8s/collect/build-collector-bundle.ts";
import { findAllOnPath } from "./find-on-path.ts";
import type { ImagePolicy } from "./image-policy.ts";
import { ensureNodeProgramImage, type NodeProgramImageRecipe } from "./node-program-image.ts";
import type { ResolvedImage } from "./resolved-image.ts";
import { PROJECT_ROOT } from "./tools-dir.ts";
import { LOCAL_IMAGES } from "./versions.ts";

const COLLECTOR_BUNDLE_PATH = join(PROJECT_ROOT, "dist", "collector.mjs");

/** The host's tar, placed at /usr/bin/tar in the offline image (the collector runs `tar -xOf`). */
function hostTar(): string {
  const [tar] = findAllOnPath("tar");
  if (!tar) throw new EnvironmentError("tar is not on PATH: the offline harness image copies the host's tar", "apt-get install -y tar");
  return tar;
}

const HARNESS_IMAGE: NodeProgramImageRecipe = {
  repository: LOCAL_IMAGES.harnessRepository,
  what: "the harness (the k8s collector)",
  bundle: () => buildCollectorBundle(COLLECTOR_BUNDLE_PATH),
  onlineDockerfile: join(PROJECT_ROOT, "harness", "export", "k8s", "collect", "Dockerfile"),
  offlineDockerfile: join(dirname(fileURLToPath(import.meta.url)), "offline-images", "harness.Dockerfile"),
  hostBinaries: () => [hostTar()],
  keep: 3,
};

export function ensureHarnessImage(options: { policy?: ImagePolicy; log?: (line: string) => void } = {}): Promise<ResolvedImage> {
  return ensureNodeProgramImage(HARNESS_IMAGE, options);
}
