// `npm run chaos [-- flags]`: the main job. Ctrl-C (SIGINT), SIGTERM or SIGHUP heals every fault,
// stops every container and process, writes the partial record and exits 130; an uncaught error does
// the same and exits 1. Only a second Ctrl-C more than a second later skips the rest (run/interrupts.ts).
import { EXIT } from "../../exit-codes.ts";
import { exitCodeForVerdict } from "../verdict-exit-code.ts";
import type { Command } from "../main.ts";
import { parseRunFlags, RUN_HELP } from "../../run/run-flags.ts";
import { runSuite } from "../../run/run-suite.ts";
import { installInterrupts } from "../../run/interrupts.ts";
import { removeLeftovers } from "../../environments/containers/run-labels.ts";

export const command: Command = {
  summary: "run a chaos suite (default)",
  async main(args) {
    const flags = parseRunFlags(args);
    if (flags.help) {
      process.stdout.write(`${RUN_HELP}\n`);
      return EXIT.ok;
    }
    const interrupts = installInterrupts({ write: (line) => process.stderr.write(`${line}\n`), emergencyCleanup: () => removeLeftovers({ mine: true }).catch(() => undefined) });
    try {
      const outcome = await runSuite(flags, args, interrupts.signal, (line) => process.stdout.write(`${line}\n`));
      return interrupts.crash() ? EXIT.sloFailed : exitCodeForVerdict(outcome.verdict);
    } catch (error) {
      // Ctrl-C while a tool is built or the environment starts: the step fails because it was
      // interrupted (the build got the terminal's SIGINT too); that is an interrupt, not a missing tool
      if (!interrupts.signal.aborted || interrupts.crash()) throw error;
      process.stderr.write(`interrupted: ${(error as Error).message.split("\n")[0]}\n`);
      return EXIT.interrupted;
    } finally {
      interrupts.dispose();
    }
  },
};
