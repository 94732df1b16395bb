// The server under test: the reference relay (or the user's own relay speaking its protocol), or
// an XMPP server (Prosody, ejabberd) from the Debian packages. Each target speaks one protocol,
// which the k6 clients are told (PROTOCOL).
import { InputError } from "../errors.ts";
import type { Protocol } from "../../scenarios/lib/scenario-settings.ts";

export const TARGETS = ["relay", "prosody", "ejabberd"] as const;
export type TargetName = (typeof TARGETS)[number];
export type XmppTargetName = Exclude<TargetName, "relay">;

export const DEFAULT_TARGET: TargetName = "relay";

/** The wire protocol each target speaks. */
export const TARGET_PROTOCOL: Record<TargetName, Protocol> = { relay: "relay", prosody: "xmpp", ejabberd: "xmpp" };

/** The XMPP domain of every account the harness registers (the JIDs' domain part). */
export const XMPP_DOMAIN = "localhost";

/** What a report says of the server a scenario ran against; version null: it never started. */
export interface TargetIdentity {
  name: TargetName;
  version: string | null;
}

export function isXmppTarget(target: TargetName): target is XmppTargetName {
  return TARGET_PROTOCOL[target] === "xmpp";
}

/** A target name as given (`where` names the flag, variable or suite field); anything else is an InputError. */
export function parseTarget(value: unknown, where: string): TargetName {
  if (typeof value === "string" && (TARGETS as readonly string[]).includes(value)) return value as TargetName;
  throw new InputError(`${where}: ${JSON.stringify(value)} is not a target; allowed: ${TARGETS.join(", ")}`);
}

/** "prosody 0.12.3-1+deb12u1", or "prosody (not started)". */
export function describeTarget(target: TargetIdentity): string {
  return `${target.name} ${target.version ?? "(not started)"}`;
}
