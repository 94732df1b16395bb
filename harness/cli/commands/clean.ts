// `npm run chaos -- clean`: ends and removes what runs left behind (a forced exit, a killed harness):
// - local processes (relay, relay command with its process group, XMPP servers, toxiproxy-server,
//   k6) recorded in the runtime folder by harnesses that are gone, each only while it is still the
//   process recorded (same start time); a running harness's are never touched, --all or not;
// - containers and networks labelled e2ee-chaos.run whose harness process no longer runs; with
//   --all, every run's containers and networks, also those of runs still going.
import type { Command } from "../main.ts";
import { parseCommandArgs } from "../command-args.ts";
import { EXIT } from "../../exit-codes.ts";
import { detectContainerEngine, useEngine } from "../../toolchain/container-engine.ts";
import { describeRemoved, removeLeftovers } from "../../environments/containers/run-labels.ts";
import { describeLocalSweep, endLocalLeftovers } from "../../environments/local/local-leftovers.ts";
import { runtimeDir } from "../../environments/local/runtime-dir.ts";

const USAGE = "usage: npm run chaos -- clean [--all]   (--all: also the containers and networks of runs still going)";

export const command: Command = {
  summary: "end local processes and remove containers and networks left behind by earlier runs (--all: every run's containers)",
  async main(args) {
    const parsed = parseCommandArgs("clean", USAGE, { args, options: { all: { type: "boolean" } } });
    if (!parsed) return EXIT.ok;
    const local = await endLocalLeftovers();
    process.stdout.write(`local processes (records in ${runtimeDir()}):\n`);
    for (const line of describeLocalSweep(local, { all: true })) process.stdout.write(`  ${line}\n`);
    const engine = await detectContainerEngine();
    if (!engine) {
      process.stdout.write("no container engine answers: no containers to clean\n");
      return EXIT.ok;
    }
    await useEngine(engine);
    const removed = await removeLeftovers({ all: parsed.values.all === true });
    process.stdout.write(`${describeRemoved(removed)}\n`);
    for (const c of removed.containers) process.stdout.write(`  ${c.id} ${c.image} (run ${c.run})\n`);
    return EXIT.ok;
  },
};
