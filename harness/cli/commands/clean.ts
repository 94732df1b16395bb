// `npm run chaos -- clean`: removes containers and networks that runs left behind (a forced exit, a
// killed harness): those labelled e2ee-chaos.run whose harness process no longer runs; with --all,
// every run's containers and networks, also those of runs still going.
import type { Command } from "../main.ts";
import { EXIT } from "../../exit-codes.ts";
import { detectContainerEngine, useEngine } from "../../toolchain/container-engine.ts";
import { describeRemoved, removeLeftovers } from "../../environments/containers/run-labels.ts";

export const command: Command = {
  summary: "remove containers and networks left behind by earlier runs (--all: of every run)",
  async main(args) {
    const engine = await detectContainerEngine();
    if (!engine) {
      process.stdout.write("no container engine answers: nothing to clean\n");
      return EXIT.ok;
    }
    await useEngine(engine);
    const removed = await removeLeftovers({ all: args.includes("--all") });
    process.stdout.write(`${describeRemoved(removed)}\n`);
    for (const c of removed.containers) process.stdout.write(`  ${c.id} ${c.image} (run ${c.run})\n`);
    return EXIT.ok;
  },
};
