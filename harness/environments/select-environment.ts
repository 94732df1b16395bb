// Which environment runs: --env, else CHAOS_ENV, else the one the relay under test needs
// (--relay-command: local, --relay-image: containers), else containers wherever an engine answers
// (or Podman can be started), for the relay and the XMPP targets alike, else local processes.
import { InputError } from "../errors.ts";
import { ensureContainerEngine } from "../toolchain/container-engine.ts";
import type { EnvironmentKind } from "./environment.ts";
import { RELAY_UNDER_TEST_ENVIRONMENT, type RelayUnderTest } from "./relay-under-test.ts";
import type { TargetName } from "../targets/target.ts";

export const ENVIRONMENT_KINDS: readonly EnvironmentKind[] = ["containers", "local"];

export async function selectEnvironment(flag: string | undefined, log: (line: string) => void, relay: RelayUnderTest | null = null, targets: readonly TargetName[] = []): Promise<{ kind: EnvironmentKind; reason: string }> {
  const requested = flag ?? (process.env.CHAOS_ENV || undefined);
  if (requested !== undefined && requested !== "auto") {
    if (!ENVIRONMENT_KINDS.includes(requested as EnvironmentKind)) {
      throw new InputError(`${flag ? "--env" : "CHAOS_ENV"}=${requested}: allowed values are ${[...ENVIRONMENT_KINDS, "auto"].join(", ")}`);
    }
    return { kind: requested as EnvironmentKind, reason: `${flag ? "--env" : "CHAOS_ENV"}=${requested}` };
  }
  if (relay) return { kind: RELAY_UNDER_TEST_ENVIRONMENT[relay.kind], reason: `auto: ${relay.source} runs in the ${RELAY_UNDER_TEST_ENVIRONMENT[relay.kind]} environment` };
  try {
    const engine = await ensureContainerEngine({ log });
    return { kind: "containers", reason: `auto: ${engine.kind} ${engine.version} answers at ${engine.socket}` };
  } catch (error) {
    const servers = [...new Set(targets.length ? targets : ["relay" as const])].map((t) => (t === "relay" ? "the relay" : t));
    return { kind: "local", reason: `auto: ${(error as Error).message.split("\n")[0]}, so ${servers.join(" and ")} and Toxiproxy run as local processes` };
  }
}
