// `npm run chaos [-- flags]`: the main job. Ctrl-C (SIGINT) or SIGTERM heals every fault, stops
// every container and process, writes the partial record and exits 130; a second Ctrl-C forces.
import { EXIT } from "../exit-codes.ts";
import type { Command } from "../main.ts";
import { parseRunFlags, RUN_HELP } from "../../run/run-flags.ts";
import { runSuite } from "../../run/run-suite.ts";

export const command: Command = {
  summary: "run a chaos suite (default)",
  async main(args) {
    const flags = parseRunFlags(args);
    if (flags.help) {
      process.stdout.write(`${RUN_HELP}\n`);
      return EXIT.ok;
    }
    const interrupt = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      if (interrupt.signal.aborted) process.exit(EXIT.interrupted);
      process.stderr.write(`\n${signal}: healing faults and stopping everything (again to force)\n`);
      interrupt.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      const outcome = await runSuite(flags, args, interrupt.signal, (line) => process.stdout.write(`${line}\n`));
      return outcome.exitCode;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  },
};
