// Bundles the collector (collector-main.ts) into one standalone ESM file: what the harness image runs.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleNodeProgram } from "../../../toolchain/node-program-bundle.ts";

const ENTRY = join(dirname(fileURLToPath(import.meta.url)), "collector-main.ts");

/** Builds the collector into outFile (relative to the working directory) and returns its absolute path. */
export function buildCollectorBundle(outFile = "dist/collector.mjs"): Promise<string> {
  return bundleNodeProgram(ENTRY, outFile);
}
