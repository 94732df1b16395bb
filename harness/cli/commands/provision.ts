// `npm run chaos -- provision` (the first step of `npm test`): install what the tests need, or say in
// one line what is missing and the command that installs it (exit code 3).
import type { Command } from "../main.ts";
import { EXIT } from "../../exit-codes.ts";
import { EnvironmentError } from "../../errors.ts";
import { provisionTestPrerequisites } from "../../toolchain/test-prerequisites.ts";

export const command: Command = {
  summary: "install what `npm test` needs (tools, Debian packages, Podman's API service, images), or name what is missing in one line",
  async main() {
    try {
      await provisionTestPrerequisites();
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof EnvironmentError)) throw error;
      const [what] = error.message.split("\n");
      process.stderr.write(`error: ${what}${error.fix ? `; install with: ${error.fix}` : ""}\n`);
      return EXIT.environmentMissing;
    }
  },
};
