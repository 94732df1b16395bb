// `npm run chaos -- clean`: removes containers and networks that runs left behind (a forced exit, a
// killed harness): those labelled e2ee-chaos.run whose harness process no longer runs.
import type { Command } from "../main.ts";
import { EXIT } from "../exit-codes.ts";
import { detectContainerEngine, useEngine } from "../../toolchain/container-engine.ts";
import { describeRemoved, removeLeftovers } from "../../environments/containers/run-labels.ts";

export const command: Command = {
  summary: "remove containers and networks left behind by earlier runs",
  async main() {
    const engine = await detectContainerEngine();
    if (!engine) {
      process.stdout.write("no container engine answers: nothing to clean\n");
      return EXIT.ok;
    }
    await useEngine(engine);
    const removed = await removeLeftovers();
    process.stdout.write(`${describeRemoved(removed)}\n`);
    for (const c of removed.containers) process.stdout.write(`  ${c.id} ${c.image} (run ${c.run})\n`);
    return EXIT.ok;
  },
};
