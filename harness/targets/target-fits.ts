// What a target cannot be combined with (yet), checked before anything starts: each refusal is
// an InputError naming what was given and what is allowed.
import { InputError } from "../errors.ts";
import type { RelayUnderTest } from "../environments/relay-under-test.ts";
import { isXmppTarget, type TargetName } from "./target.ts";

export interface TargetRequest {
  target: TargetName;
  /** where the target was chosen: "--target=prosody", "CHAOS_TARGET=prosody", "suite.json: scenario 'steady' target \"prosody\"" */
  chosenBy: string;
  tls: boolean;
  /** the user's own relay (--relay-command / --relay-image or their variables) */
  relay: RelayUnderTest | null;
  /** --target-config FILE */
  targetConfig?: string;
}

export function checkTargetFits(request: TargetRequest): void {
  const { target, chosenBy } = request;
  if (request.relay && isXmppTarget(target)) {
    throw new InputError(
      `${request.relay.source} and ${chosenBy}: ${request.relay.source} tests your own relay in place of the reference relay (target relay), ${target} is an XMPP server; allowed: --relay-command / --relay-image with --target relay, or --target ${target} with --target-config FILE for your own ${target} configuration`,
    );
  }
  if (request.tls && isXmppTarget(target)) {
    throw new InputError(`--tls and ${chosenBy}: TLS is served by the relay only, for now; allowed: --tls with --target relay, or ${target} without --tls`);
  }
  if (request.targetConfig !== undefined && !isXmppTarget(target)) {
    throw new InputError(
      `--target-config ${request.targetConfig} and ${chosenBy}: a configuration file replaces an XMPP server's generated configuration; allowed: --target-config with --target prosody or ejabberd (your own relay: --relay-command / --relay-image)`,
    );
  }
}
