// The project-local tools directory (.tools/bin, ignored by git) where installers put binaries.
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root, found from this file's place (harness/toolchain/). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** CHAOS_TOOLS_DIR overrides the default <project>/.tools/bin. */
export function toolsBinDir(): string {
  return process.env.CHAOS_TOOLS_DIR ? resolve(process.env.CHAOS_TOOLS_DIR) : join(PROJECT_ROOT, ".tools", "bin");
}

export function ensureToolsBinDir(): string {
  const dir = toolsBinDir();
  mkdirSync(dir, { recursive: true });
  return dir;
}
