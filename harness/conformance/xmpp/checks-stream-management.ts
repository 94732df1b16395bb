// Stream management (XEP-0198), which the scenarios' acknowledgements and reconnects rest on:
// enable with resumption, the server's <a h/> counting exactly the stanzas sent, the server's own
// <r/> answered and accepted, and a stream resumed after its TCP connection was dropped, with what
// was sent to the user meanwhile delivered on the resumed stream, and the WebSocket layer of the
// connection it was resumed on (pings and the close answered there).
import type { ConformanceCheck } from "../check.ts";
import { randomBytes, toBase64 } from "../../protocol/bytes.ts";
import { ackRequest, envelopeMessage, NS } from "../../protocol/xmpp/stanzas.ts";
import type { XmlElement } from "../../protocol/xmpp/xml.ts";
import { conditionsOf, XmppCheckClient, type XmppAccount } from "./xmpp-check-client.ts";
import { bareJid, otherUrl, registerFresh, type XmppCheckContext } from "./xmpp-check-context.ts";

const STANZAS = 3;
const QUEUED_WHILE_AWAY = 2;

const isSm = (name: string) => (e: XmlElement) => e.localName === name && e.attrs.xmlns === NS.sm;
const resumable = (enabled: XmlElement | null) => enabled !== null && (enabled.attrs.resume === "true" || enabled.attrs.resume === "1") && !!enabled.attrs.id;
const envelope = () => toBase64(randomBytes(96));

function describeEnabled(enabled: XmlElement | null): string {
  if (!enabled) return "no <enabled/>";
  const { resume, id, max } = enabled.attrs;
  return `<enabled${resume !== undefined ? ` resume='${resume}'` : ""}${id ? ` id (${id.length} chars)` : " without id"}${max ? ` max='${max}'` : ""}/>`;
}

export const smEnableAck: ConformanceCheck<XmppCheckContext> = {
  name: "sm-enable-ack",
  expected: `<enable resume="true"/> answered <enabled resume="true" id/>; <r/> after ${STANZAS} stanzas answered <a h="${STANZAS}"/>`,
  async run(ctx) {
    const [account, peer] = await Promise.all([registerFresh(ctx), registerFresh(ctx)]);
    const { client, enabled } = await XmppCheckClient.login(ctx.urls[0], ctx.domain, account, { sm: true, waitMs: ctx.waitMs });
    try {
      // no presence: the stanzas after <enabled/> are exactly these messages (to an account that is offline)
      for (let i = 1; i <= STANZAS; i++) client.send(envelopeMessage(`sm-${i}`, bareJid(peer, ctx), envelope()));
      client.send(ackRequest());
      const a = (await client.waitFor(isSm("a"), `<a/> answering <r/> after ${STANZAS} stanzas`)).element;
      const h = Number(a.attrs.h);
      const ok = resumable(enabled) && h === STANZAS;
      return { ok, measured: `${describeEnabled(enabled)}; <a h='${a.attrs.h ?? ""}'/> after ${STANZAS} stanzas` };
    } finally {
      client.close();
    }
  },
};

export const smServerAckRequest: ConformanceCheck<XmppCheckContext> = {
  name: "sm-server-ack-request",
  expected: "the server's own <r/> answered with <a h/> counting the stanzas it sent is accepted (stream stays, pings answered); no <r/> at all is N/A",
  async run(ctx) {
    const account = await registerFresh(ctx);
    const { client } = await XmppCheckClient.login(ctx.urls[0], ctx.domain, account, { sm: true, waitMs: ctx.waitMs });
    try {
      // the ping's result is a stanza from the server: one to acknowledge (the client answers <r/> as it arrives)
      await client.roundTrip(ctx.domain);
      try {
        await client.waitFor(isSm("r"), "the server's <r/> after it sent 1 stanza");
      } catch (error) {
        if (client.closeInfo) throw error;
        return { ok: true, notAvailable: true, measured: `no <r/> from the server within ${ctx.waitMs} ms after it sent 1 stanza (XEP-0198 leaves requests to it)` };
      }
      const answered = client.ackRequests[0];
      // accepted: the stream goes on, and the server's count of ours is still right (1 ping, and the next)
      await client.roundTrip(ctx.domain);
      client.send(ackRequest());
      const a = (await client.waitFor(isSm("a"), "<a/> answering our <r/> after the server's <r/> was answered")).element;
      const ok = answered === 1 && Number(a.attrs.h) === 2;
      return { ok, measured: `server's <r/> after ${answered} stanza answered with <a h='${answered}'/>; then 2 pings answered, <a h='${a.attrs.h ?? ""}'/>` };
    } finally {
      client.close();
    }
  },
};

export const smResumeAfterDrop: ConformanceCheck<XmppCheckContext> = {
  name: "sm-resume-after-drop",
  expected: `after the TCP connection is dropped (no </close>), <resume previd h/> answered <resumed h/> counting our stanzas; the ${QUEUED_WHILE_AWAY} stanzas sent to the user meanwhile arrive on the resumed stream, once each`,
  timeoutMs: 12_000,
  async run(ctx) {
    const [account, peer] = await Promise.all([registerFresh(ctx), registerFresh(ctx)]);
    const { client: first, enabled } = await XmppCheckClient.login(ctx.urls[0], ctx.domain, account, { sm: true, presence: true, waitMs: ctx.waitMs });
    let sentBefore: number;
    let handled: number;
    try {
      if (!resumable(enabled)) return { ok: false, measured: `resumption not offered: ${describeEnabled(enabled)}` };
      await first.roundTrip(ctx.domain); // presence and ping processed: 2 stanzas for the server's h
      sentBefore = 2;
      handled = first.handled;
    } finally {
      first.drop();
    }
    const { client: sender } = await XmppCheckClient.login(otherUrl(ctx), ctx.domain, peer, { waitMs: ctx.waitMs });
    let second: XmppCheckClient | null = null;
    try {
      const ids = Array.from({ length: QUEUED_WHILE_AWAY }, (_, i) => `away-${i + 1}`);
      for (const id of ids) sender.send(envelopeMessage(id, bareJid(account, ctx), envelope()));
      await sender.roundTrip(ctx.domain);
      second = await XmppCheckClient.connect(ctx.urls[0], { waitMs: ctx.waitMs });
      const answer = await resumeOn(second, ctx, account, enabled!.attrs.id, handled);
      if (typeof answer === "string") return { ok: false, measured: answer };
      const serverH = Number(answer.attrs.h);
      const isFromPeer = (id: string) => (e: XmlElement) => e.localName === "message" && e.attrs.id === id && (e.attrs.from ?? "").startsWith(`${peer.localpart}@`);
      for (const id of ids) await second.waitFor(isFromPeer(id), `message '${id}', sent while away, on the resumed stream`);
      await second.roundTrip(ctx.domain); // anything sent twice would be here by now
      const copies = ids.map((id) => second!.receivedMatching(isFromPeer(id)).length);
      const once = copies.every((n) => n === 1);
      const ok = serverH === sentBefore && once;
      return {
        ok,
        measured: `resumed with h=${answer.attrs.h ?? "none"} (${sentBefore} sent before the drop); ${QUEUED_WHILE_AWAY} stanzas queued while away were delivered${once ? "" : ` (copies: ${copies.join(", ")})`}`,
      };
    } finally {
      sender.close();
      second?.close();
    }
  },
};

/**
 * Logs `account` in on a new connection and resumes stream `previd` there: the server's <resumed/>,
 * or what went wrong, as the check reports it.
 */
async function resumeOn(client: XmppCheckClient, ctx: XmppCheckContext, account: XmppAccount, previd: string, handled: number): Promise<XmlElement | string> {
  await client.openStream(ctx.domain);
  const auth = await client.authenticate(account);
  if (auth.localName !== "success") return `login on the new connection refused: ${conditionsOf(auth)}`;
  await client.openStream(ctx.domain);
  const answer = await client.resume(previd, handled);
  return answer.localName === "resumed" ? answer : `<resume previd h='${handled}'/> answered <failed/>: ${conditionsOf(answer)}`;
}

/**
 * The WebSocket layer of a resumed stream's connection: the harness's clients check liveness with
 * WebSocket pings before stream management is on, and end every connection with a WebSocket close,
 * which k6 waits for the server to answer.
 */
export const wsControlAfterResume: ConformanceCheck<XmppCheckContext> = {
  name: "ws-control-after-resume",
  expected: "on the connection a stream was resumed on, a WebSocket ping is answered with a pong and a WebSocket close with a close (RFC 6455 5.5), as on any other connection",
  timeoutMs: 12_000,
  async run(ctx) {
    const account = await registerFresh(ctx);
    const { client: first, enabled } = await XmppCheckClient.login(ctx.urls[0], ctx.domain, account, { sm: true, waitMs: ctx.waitMs });
    if (!resumable(enabled)) {
      first.close();
      return { ok: false, measured: `resumption not offered: ${describeEnabled(enabled)}` };
    }
    const firstPong = await first.wsPing();
    first.drop();
    const second = await XmppCheckClient.connect(ctx.urls[0], { waitMs: ctx.waitMs });
    try {
      const answer = await resumeOn(second, ctx, account, enabled!.attrs.id, 0);
      if (typeof answer === "string") return { ok: false, measured: answer };
      const pong = await second.wsPing();
      const closeCode = await second.wsCloseHandshake();
      const before = firstPong === null ? "no pong before the resumption either" : `pong in ${firstPong} ms before the drop`;
      return {
        ok: pong !== null && closeCode !== null,
        measured: `${before}; after <resumed/>: ${pong === null ? `no pong within ${ctx.waitMs} ms` : `pong in ${pong} ms`}, ${closeCode === null ? `close not answered within ${ctx.waitMs} ms` : `close answered (${closeCode})`}`,
      };
    } finally {
      second.close();
    }
  },
};
