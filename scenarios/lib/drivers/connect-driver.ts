// Picks the driver for the server's protocol (PROTOCOL in the k6 environment).
import { authFrame } from "../../../harness/protocol/auth.ts";
import type { Identity } from "../../../harness/protocol/identity.ts";
import { localpartOf, passwordFor } from "../../../harness/protocol/xmpp/jid.ts";
import type { Protocol } from "../scenario-settings.ts";
import type { LinkOptions } from "../server-link.ts";
import { RelayDriver } from "./relay-driver.ts";
import type { DriverEvents, ServerDriver } from "./server-driver.ts";
import { XmppDriver } from "./xmpp-driver.ts";

export interface DriverWiring {
  protocol: Protocol;
  /** XMPP: the JIDs' domain, and the secret the accounts' passwords come from */
  xmppDomain: string;
  xmppSecret: string;
  /** a newcomer: XMPP creates its account by in-band registration before the first login (the relay needs none) */
  register?: boolean;
}

export function connectDriver(wiring: DriverWiring, options: LinkOptions, identity: Identity, events: DriverEvents): ServerDriver {
  if (wiring.protocol === "xmpp") {
    const account = { userId: identity.userId, domain: wiring.xmppDomain, localpart: localpartOf(identity.userId), password: passwordFor(wiring.xmppSecret, identity.userId), register: wiring.register };
    return new XmppDriver(options, account, events);
  }
  return new RelayDriver(options, (nonce) => authFrame(identity, nonce), events);
}
