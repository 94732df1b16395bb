// What the XMPP conformance checks run against: the server's WebSocket URLs (one per listener: an
// environment's direct paths, or the one --xmpp-url), its domain, and how long one answer may take.
// Accounts are registered in-band (XEP-0077) by the checks themselves, as a run registers its
// population, with fresh names: nothing is assumed to exist on the server. On a server the harness
// did not start, they are removed again afterwards (remove-accounts.ts).
import { randomBytes } from "node:crypto";
import type { Environment } from "../../environments/environment.ts";
import { registerAccount } from "../../protocol/xmpp/stanzas.ts";
import { XMPP_DOMAIN } from "../../targets/target.ts";
import { describeElement, XMPP_WAIT_MS, XmppCheckClient, type XmppAccount } from "./xmpp-check-client.ts";

export interface XmppCheckContext {
  /** RFC 7395 endpoints of the server, at least one; a check's second party uses the last (another listener where there are two) */
  urls: string[];
  /** the XMPP domain (virtual host) accounts live on */
  domain: string;
  /** how long one awaited answer may take */
  waitMs: number;
  /** every account the checks registered, when the caller removes them afterwards (a server the harness did not start) */
  registered?: XmppAccount[];
}

/** One direct path per listener of an environment whose target is an XMPP server. */
export function xmppCheckContextOf(env: Environment, waitMs = XMPP_WAIT_MS): XmppCheckContext {
  const direct = env.paths.filter((p) => p.kind === "direct");
  return { urls: (direct.length > 0 ? direct : env.paths).map((p) => p.url), domain: XMPP_DOMAIN, waitMs };
}

/** The URL a check's second party connects to. */
export function otherUrl(ctx: XmppCheckContext): string {
  return ctx.urls[ctx.urls.length - 1];
}

/** A name no earlier run used: `conf` and 12 hex digits (lower case: XMPP folds local parts). */
export function freshAccount(): XmppAccount {
  return { localpart: `conf${randomBytes(6).toString("hex")}`, password: randomBytes(12).toString("base64url") };
}

/** Registers `account` (default: a fresh one) in-band on its own stream; rejects saying what the server answered. */
export async function registerFresh(ctx: XmppCheckContext, account: XmppAccount = freshAccount()): Promise<XmppAccount> {
  const client = await XmppCheckClient.connect(ctx.urls[0], { waitMs: ctx.waitMs });
  try {
    await client.openStream(ctx.domain);
    client.send(registerAccount("reg1", account.localpart, account.password));
    const answer = await client.iqAnswer("reg1", "the answer to in-band registration (XEP-0077)");
    if (answer.attrs.type !== "result") throw new Error(`in-band registration of ${account.localpart}@${ctx.domain} answered ${describeElement(answer)}`);
    ctx.registered?.push(account);
    return account;
  } catch (error) {
    throw new Error(`registering a test account: ${(error as Error).message}`);
  } finally {
    client.close();
  }
}

/** The bare JID of an account. */
export function bareJid(account: XmppAccount, ctx: XmppCheckContext): string {
  return `${account.localpart}@${ctx.domain}`;
}
