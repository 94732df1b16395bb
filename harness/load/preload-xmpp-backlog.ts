// The stored backlog for an XMPP target: `count` messages for offline accounts that never log in,
// sent by a few sender accounts over XMPP and counted once the server's <a h/> (XEP-0198) covers
// them, so each is in the server's offline store before the scenario starts. Same shape as the
// relay's preload (harness/load/preload-backlog.ts): 50 recipients, 4 senders, envelopes of about
// a real message's size, progress every tenth. A server that bounces a message (a per-user quota,
// say) has refused to store more, and one that has not stored it all within PRELOAD_LIMIT_MS is too
// slow for the suite: the preload stops there and says so, and the scenario runs with what was
// stored (and fails, naming why): either is a finding about the server.
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
/** the longest a preload may take; what was stored by then is the backlog */
export const PRELOAD_LIMIT_MS = 10 * 60_000;

export async function preloadXmppBacklog(url: string, domain: string, count: number, log: (line: string) => void, opts: { signal?: AbortSignal; limitMs?: number } = {}): Promise<BacklogFigures> {
  const limitMs = opts.limitMs ?? PRELOAD_LIMIT_MS;
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
  let reportedTime = Date.now();
  let refused: string | null = null;
  let lastRate = 0;
  const overdue = () => {
    if (refused === null && opts.signal?.aborted) refused = "interrupted";
    if (refused === null && Date.now() - started > limitMs) refused = `not all stored within ${Math.round(limitMs / 1000)} s, the time a preload may take (the server acknowledged ${lastRate}/s lately)`;
    return refused !== null;
  };
  const progress = (n: number) => {
    stored += n;
    if (stored - reportedAt < count / 10 && stored < count) return;
    lastRate = Math.round((stored - reportedAt) / Math.max(0.001, (Date.now() - reportedTime) / 1000));
    reportedTime = Date.now();
    reportedAt = stored;
    log(`  backlog: ${stored}/${count} stored (${Math.round(stored / Math.max(0.001, (Date.now() - started) / 1000))}/s, lately ${lastRate}/s)`);
  };
  await Promise.all(senders.map(async (sender) => {
    const { client } = await loginPlain({ url, domain, ...sender, timeoutMs: ANSWER_TIMEOUT_MS });
    try {
      await enableAcks(client);
      let sent = 0;
      let acked = 0;
      while ((next < count && !overdue()) || acked < sent) {
        for (; sent - acked < WINDOW && next < count && !overdue(); sent++) {
          const i = next++;
          client.send(envelopeMessage(`b${i}`, `${recipients[i % RECIPIENTS].localpart}@${domain}`, body));
        }
        client.send(ackRequest());
        // h counts what the server handled, the messages it bounced too
        const { h, bounces } = await serverHandled(client);
        if (h > acked) {
          progress(h - acked - bounces.length);
          acked = h;
        }
        if (bounces.length) refused ??= bounces[0];
      }
    } finally {
      client.close();
    }
  })).catch((error: Error) => {
    throw new EnvironmentError(`backlog preload over XMPP: ${stored} of ${count} stored, then ${error.message}`);
  });
  const loadMs = Date.now() - started;
  if (refused === null) return { messages: stored, recipients: RECIPIENTS, loadMs, perSecond: Math.round(stored / (loadMs / 1000)) };
  const said = `${refused}; ${stored.toLocaleString("en-US")} of ${count.toLocaleString("en-US")} stored`;
  log(`  backlog: stopped: ${said}`);
  return { messages: stored, recipients: RECIPIENTS, loadMs, perSecond: Math.round(stored / (loadMs / 1000)), refused: said };
}

async function enableAcks(client: XmppWsClient): Promise<void> {
  client.send(enableStreamManagement());
  const answer = await client.next(ANSWER_TIMEOUT_MS, "<enabled/> for stream management");
  if (answer.localName !== "enabled" || answer.attrs.xmlns !== NS.sm) throw new Error(`the server answered <enable/> with <${answer.name}>: stream management (XEP-0198) is needed to know what it stored`);
}

/** The h of the server's next <a/>, and what it said of each message it bounced on the way. */
async function serverHandled(client: XmppWsClient): Promise<{ h: number; bounces: string[] }> {
  const bounces: string[] = [];
  for (;;) {
    const el = await client.next(ANSWER_TIMEOUT_MS, "<a h/> acknowledging the backlog");
    if (el.localName === "a") return { h: Number(el.attrs.h) || 0, bounces };
    if (el.localName === "message" && el.attrs.type === "error") {
      const error = childOf(el, "error");
      const condition = error?.children.find((c) => c.localName !== "text")?.localName ?? "no condition";
      const text = error ? childOf(error, "text")?.text : undefined;
      bounces.push(`the server bounced message ${el.attrs.id ?? "?"} to ${el.attrs.from ?? "?"}: ${error?.attrs.type ?? ""}/${condition}${text ? ` "${text}"` : ""}`);
    }
  }
}
