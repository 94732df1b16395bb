// Which relay a run tests: the reference relay (null), or the user's own server, given as a
// command the local environment starts (--relay-command, CHAOS_RELAY_COMMAND) or an image the
// containers environment starts (--relay-image, CHAOS_RELAY_IMAGE). A flag wins over the
// variables; each kind works in one environment only, and asking for it in the other is bad input.
import { InputError } from "../errors.ts";
import type { EnvironmentKind } from "./environment.ts";

export type RelayUnderTest =
  | { kind: "command"; command: string; /** where it was given: "--relay-command" or "CHAOS_RELAY_COMMAND" */ source: string }
  | { kind: "image"; image: string; source: string };

/** The environment each kind of relay under test runs in. */
export const RELAY_UNDER_TEST_ENVIRONMENT: Record<RelayUnderTest["kind"], EnvironmentKind> = { command: "local", image: "containers" };

const OPTIONS = { command: { flag: "--relay-command", variable: "CHAOS_RELAY_COMMAND" }, image: { flag: "--relay-image", variable: "CHAOS_RELAY_IMAGE" } } as const;

export function relayUnderTestFrom(flags: { relayCommand?: string; relayImage?: string }, env: NodeJS.ProcessEnv = process.env): RelayUnderTest | null {
  const fromFlags = flags.relayCommand !== undefined || flags.relayImage !== undefined;
  const command = fromFlags ? flags.relayCommand : env.CHAOS_RELAY_COMMAND || undefined;
  const image = fromFlags ? flags.relayImage : env.CHAOS_RELAY_IMAGE || undefined;
  const name = (kind: RelayUnderTest["kind"]) => (fromFlags ? OPTIONS[kind].flag : OPTIONS[kind].variable);
  if (command !== undefined && image !== undefined) {
    throw new InputError(`${name("command")} and ${name("image")} both given: allowed is one of them (${OPTIONS.command.flag} with --env local, ${OPTIONS.image.flag} with --env containers)`);
  }
  if (command !== undefined) {
    if (command.trim() === "") throw new InputError(`${name("command")}="": allowed: a shell command that starts the relay, e.g. "node --import tsx fixtures/relay/main.ts"`);
    return { kind: "command", command, source: name("command") };
  }
  if (image !== undefined) {
    if (!/^[a-z0-9][\w./:@-]*$/i.test(image)) throw new InputError(`${name("image")}=${JSON.stringify(image)}: allowed: a container image reference, e.g. registry.example.com/my-relay:1.2`);
    return { kind: "image", image, source: name("image") };
  }
  return null;
}

/**
 * Refuses a relay under test in the environment it cannot run in. `requested` is --env or
 * CHAOS_ENV as given (`requestedBy` names which); auto or nothing is fine: the relay decides.
 */
export function checkRelayEnvironment(relay: RelayUnderTest | null, requested: string | undefined, requestedBy: string): void {
  // an environment that does not exist is refused by selectEnvironment, with the allowed ones
  if (!relay || requested === undefined || !Object.values(RELAY_UNDER_TEST_ENVIRONMENT).includes(requested as EnvironmentKind)) return;
  const needed = RELAY_UNDER_TEST_ENVIRONMENT[relay.kind];
  if (requested === needed) return;
  const other = relay.kind === "command" ? OPTIONS.image.flag : OPTIONS.command.flag;
  throw new InputError(
    `${relay.source} runs only with --env ${needed} (or auto), not with ${requestedBy}=${requested}; allowed: ${OPTIONS[relay.kind].flag} with --env ${needed}, ${other} with --env ${needed === "local" ? "containers" : "local"}`,
  );
}

/** How the relay shows up in messages and in summary.json's versions. */
export function describeRelayUnderTest(relay: RelayUnderTest): string {
  return relay.kind === "command" ? `${relay.source} ${JSON.stringify(relay.command)}` : `${relay.source} ${relay.image}`;
}
