// Starts the chosen kind of environment. The first start in a process ends what harnesses that are
// gone left running on this machine (their runtime records: local processes, k6 too), whichever
// kind this run uses; the containers environment removes their containers itself.
import { startContainersEnvironment } from "./containers/containers-environment.ts";
import type { Environment, EnvironmentKind } from "./environment.ts";
import type { EnvironmentOptions } from "./environment-options.ts";
import { startLocalEnvironment } from "./local/local-environment.ts";
import { describeLocalSweep, endLocalLeftovers } from "./local/local-leftovers.ts";

let localLeftoversEnded = false;

export async function startEnvironment(kind: EnvironmentKind, options: EnvironmentOptions): Promise<Environment> {
  if (!localLeftoversEnded) {
    localLeftoversEnded = true;
    const sweep = await endLocalLeftovers().catch((error: unknown) => {
      options.log(`processes left by earlier runs not looked for: ${(error as Error).message}`);
      return null;
    });
    for (const line of sweep ? describeLocalSweep(sweep) : []) options.log(line);
  }
  return kind === "local" ? startLocalEnvironment(options) : startContainersEnvironment(options);
}
