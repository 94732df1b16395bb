// One standalone ESM file of a Node program and everything it imports (no node_modules at run
// time), with esbuild: what the relay's and the harness's images run.
import { build } from "esbuild";
import { resolve } from "node:path";

/** Bundles `entry` into `outFile` (relative to the working directory); returns its absolute path. */
export async function bundleNodeProgram(entry: string, outFile: string): Promise<string> {
  const out = resolve(outFile);
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // ws requires these optional native speed-ups inside try/catch; without them it uses JS.
    external: ["bufferutil", "utf-8-validate"],
    // CommonJS packages (ws, prom-client, ...) require() Node built-ins: give the ESM bundle a require.
    banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);" },
    logLevel: "warning",
    legalComments: "none",
  });
  return out;
}
