// The stored backlog for an XMPP target: `count` messages for offline accounts that never log in,
// sent by a few sender accounts over XMPP and counted once the server's <a h/> (XEP-0198) covers
// them, so each is in the server's offline store before the scenario starts. Same shape as the
// relay's preload (harness/load/preload-backlog.ts): 50 recipients, 4 senders, envelopes of about
// a real message's size, progress every tenth.
import { randomBytes } from "node:crypto";
import { EnvironmentError } from "../errors.ts";
import { ackRequest, enableStreamManagement, envelopeMessage, NS } from "../protocol/xmpp/stanzas.ts";
import { childOf } from "../protocol/xmpp/xml.ts";
import { registerAccounts } from "../targets/xmpp/register-accounts.ts";
import { loginPlain, type XmppWsClient } from "../targets/xmpp/xmpp-ws-client.ts";
import type { BacklogFigures } from "./preload-backlog.ts";

const SENDERS = 4;
const RECIPIENTS = 50;
/** stanzas a sender has out before it waits for the server's <a h/> */
const WINDOW = 500;
const BODY_BYTES = 220;
const ANSWER_TIMEOUT_MS = 60_000;

export async function preloadXmppBacklog(url: string, domain: string, count: number, log: (line: string) => void): Promise<BacklogFigures> {
  const started = Date.now();
  const tag = randomBytes(4).toString("hex");
  const account = (role: string, i: number) => ({ localpart: `backlog-${tag}-${role}${i}`, password: randomBytes(12).toString("hex") });
  const recipients = Array.from({ length: RECIPIENTS }, (_, i) => account("to", i));
  const senders = Array.from({ length: SENDERS }, (_, i) => account("from", i));
  log(`preloading a backlog of ${count} messages for ${RECIPIENTS} offline accounts`);
  await registerAccounts({ url, domain, accounts: [...recipients, ...senders] });
  const body = randomBytes(BODY_BYTES).toString("base64");
  let next = 0;
  let stored = 0;
  let reportedAt = 0;
  const progress = (n: number) => {
    stored += n;
    if (stored - reportedAt < count / 10 && stored < count) return;
    reportedAt = stored;
    log(`  backlog: ${stored}/${count} stored (${Math.round(stored / Math.max(0.001, (Date.now() - started) / 1000))}/s)`);
  };
  await Promise.all(senders.map(async (sender) => {
    const { client } = await loginPlain({ url, domain, ...sender, timeoutMs: ANSWER_TIMEOUT_MS });
    try {
      await enableAcks(client);
      let sent = 0;
      let acked = 0;
      while (next < count || acked < sent) {
        for (; sent - acked < WINDOW && next < count; sent++) {
          const i = next++;
          client.send(envelopeMessage(`b${i}`, `${recipients[i % RECIPIENTS].localpart}@${domain}`, body));
        }
        client.send(ackRequest());
        const h = await serverHandled(client);
        if (h > acked) {
          progress(h - acked);
          acked = h;
        }
      }
    } finally {
      client.close();
    }
  })).catch((error: Error) => {
    throw new EnvironmentError(`backlog preload over XMPP: ${stored} of ${count} stored, then ${error.message}`);
  });
  const loadMs = Date.now() - started;
  return { messages: count, recipients: RECIPIENTS, loadMs, perSecond: Math.round(count / (loadMs / 1000)) };
}

async function enableAcks(client: XmppWsClient): Promise<void> {
  client.send(enableStreamManagement());
  const answer = await client.next(ANSWER_TIMEOUT_MS, "<enabled/> for stream management");
  if (answer.localName !== "enabled" || answer.attrs.xmlns !== NS.sm) throw new Error(`the server answered <enable/> with <${answer.name}>: stream management (XEP-0198) is needed to know what it stored`);
}

/** The h of the server's next <a/>; its error bounces and other stanzas on the way fail the preload. */
async function serverHandled(client: XmppWsClient): Promise<number> {
  for (;;) {
    const el = await client.next(ANSWER_TIMEOUT_MS, "<a h/> acknowledging the backlog");
    if (el.localName === "a") return Number(el.attrs.h) || 0;
    if (el.localName === "r") continue;
    if (el.localName === "message" && el.attrs.type === "error") {
      const condition = childOf(el, "error")?.children[0]?.localName ?? "no condition";
      throw new Error(`the server bounced message ${el.attrs.id ?? "?"}: ${condition}`);
    }
  }
}
