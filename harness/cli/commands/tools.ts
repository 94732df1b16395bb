// `npm run tools`: build the pinned k6 and Toxiproxy into .tools/bin (reused when present), then the images.
import type { Command } from "../main.ts";
import { EXIT } from "../../exit-codes.ts";
import { installTools } from "../../toolchain/install-tools.ts";
import { ensureContainerEngine } from "../../toolchain/container-engine.ts";
import { ensureImages } from "../../toolchain/images.ts";

export const command: Command = {
  summary: "build k6 and toxiproxy into .tools/bin and prepare container images",
  async main(args) {
    const log = (line: string) => process.stderr.write(`${line}\n`);
    await installTools(log);
    if (args.includes("--no-images")) return EXIT.ok;
    const engine = await ensureContainerEngine({ log });
    log(`ok container engine: ${engine.kind} ${engine.version} at ${engine.socket}`);
    const images = await ensureImages({ log });
    for (const image of Object.values(images)) log(`ok image ${image.name} (${image.origin})`);
    return EXIT.ok;
  },
};
