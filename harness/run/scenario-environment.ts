// A fresh environment for one scenario (its logs in the scenario's folder), with every proxy path
// tapped for the privacy check; stopped again when tapping fails.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { EnvironmentKind } from "../environments/environment.ts";
import type { EnvironmentOptions } from "../environments/environment-options.ts";
import { startEnvironment } from "../environments/start-environment.ts";
import { tapPaths, type TappedEnvironment } from "../environments/tap-paths.ts";

export async function startScenarioEnvironment(kind: EnvironmentKind, runDir: string, scenario: string, options: Omit<EnvironmentOptions, "logDir">): Promise<TappedEnvironment> {
  const logDir = join(runDir, scenario);
  mkdirSync(logDir, { recursive: true });
  const started = await startEnvironment(kind, { ...options, logDir });
  return tapPaths(started, (p) => p.kind === "proxy", join(runDir, scenario, "captures")).catch(async (e) => {
    await started.stop();
    throw e;
  });
}
