// `npm run tools`: build the pinned tools (k6, Toxiproxy, kubeconform) into .tools/bin (reused when present), then the images
// (the relay's and Toxiproxy's, which runs start, and the harness's, which `export k8s`'s collector Job runs).
import type { Command } from "../main.ts";
import { parseCommandArgs } from "../command-args.ts";
import { EXIT } from "../../exit-codes.ts";
import { installTools } from "../../toolchain/install-tools.ts";
import { TOOL_NAMES } from "../../toolchain/tool-specs.ts";
import { ensureContainerEngine } from "../../toolchain/container-engine.ts";
import { ensureHarnessImage } from "../../toolchain/harness-image.ts";
import { ensureImages } from "../../toolchain/images.ts";

const USAGE = `usage: npm run tools [-- --no-images]   (--no-images: only ${TOOL_NAMES.join(", ")}, no container images)`;

export const command: Command = {
  summary: "build k6, toxiproxy and kubeconform into .tools/bin and prepare container images",
  async main(args) {
    const parsed = parseCommandArgs("tools", USAGE, { args, options: { "no-images": { type: "boolean" } } });
    if (!parsed) return EXIT.ok;
    const log = (line: string) => process.stderr.write(`${line}\n`);
    await installTools(log);
    if (parsed.values["no-images"]) return EXIT.ok;
    const engine = await ensureContainerEngine({ log });
    log(`ok container engine: ${engine.kind} ${engine.version} at ${engine.socket}`);
    const images = await ensureImages({ log });
    // the collector of `export k8s`: not started by any local run, so only built here
    const harness = await ensureHarnessImage({ log });
    for (const image of [...Object.values(images), harness]) log(`ok image ${image.name} (${image.origin})`);
    return EXIT.ok;
  },
};
