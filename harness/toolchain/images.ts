// Every container image the harness starts, made ready in one call (policy: CHAOS_IMAGES).
import { ensureContainerEngine } from "./container-engine.ts";
import type { ImagePolicy } from "./image-policy.ts";
import { ensureRelayImage } from "./relay-image.ts";
import type { ResolvedImage } from "./resolved-image.ts";
import { ensureToxiproxyImage } from "./toxiproxy-image.ts";

export type { ResolvedImage } from "./resolved-image.ts";

export interface HarnessImages {
  relay: ResolvedImage;
  toxiproxy: ResolvedImage;
}

let pending: Promise<HarnessImages> | undefined;

/** Finds the engine, then makes both images present (reusing existing ones). Cached per process. */
export function ensureImages(options: { policy?: ImagePolicy; log?: (line: string) => void } = {}): Promise<HarnessImages> {
  pending ??= (async () => {
    await ensureContainerEngine(options.log ? { log: options.log } : {});
    const toxiproxy = await ensureToxiproxyImage(options);
    const relay = await ensureRelayImage(options);
    return { relay, toxiproxy };
  })();
  pending.catch(() => (pending = undefined));
  return pending;
}
