// Starts the chosen kind of environment.
import { startContainersEnvironment } from "./containers/containers-environment.ts";
import type { Environment, EnvironmentKind } from "./environment.ts";
import type { EnvironmentOptions } from "./environment-options.ts";
import { startLocalEnvironment } from "./local/local-environment.ts";

export function startEnvironment(kind: EnvironmentKind, options: EnvironmentOptions): Promise<Environment> {
  return kind === "local" ? startLocalEnvironment(options) : startContainersEnvironment(options);
}
