// CHAOS_IMAGES decides where container images come from: auto (default), pull, or build.
import { InputError } from "../errors.ts";

/**
 * - auto:  use an image already present; else pull the official one; if the pull fails, build locally at once.
 * - pull:  official images only (a failed pull is an error) — for machines with a registry.
 * - build: never contact a registry; build everything locally from the host's binaries.
 */
export type ImagePolicy = "auto" | "pull" | "build";

export function imagePolicy(value = process.env.CHAOS_IMAGES): ImagePolicy {
  const v = (value ?? "auto").trim() || "auto";
  if (v === "auto" || v === "pull" || v === "build") return v;
  throw new InputError(`CHAOS_IMAGES=${value} is not one of auto, pull, build`);
}
