// Messages as the scenarios send them (the E2E envelope in its own namespaced child, no <body>,
// built by envelopeMessage): offline storage delivered at login with <delay/> (XEP-0203) and the
// envelope byte-identical; messages the server acknowledged with <a h/> arriving exactly once each.
import type { ConformanceCheck } from "../check.ts";
import { randomBytes, toBase64 } from "../../protocol/bytes.ts";
import { ackRequest, envelopeMessage, NS } from "../../protocol/xmpp/stanzas.ts";
import { childOf, type XmlElement } from "../../protocol/xmpp/xml.ts";
import { conditionsOf, XmppCheckClient } from "./xmpp-check-client.ts";
import { bareJid, otherUrl, registerFresh, type XmppCheckContext } from "./xmpp-check-context.ts";

const ENVELOPE_BYTES = 256;
const FIRST_BATCH = 3;
const SECOND_BATCH = 2;

const messageFrom = (localpart: string, id: string) => (e: XmlElement) => e.localName === "message" && e.attrs.id === id && (e.attrs.from ?? "").startsWith(`${localpart}@`);

export const offlineDeliveryDelay: ConformanceCheck<XmppCheckContext> = {
  name: "offline-delivery-delay",
  expected: "a message to a user with no session is delivered when the user logs in, with <delay stamp/> (XEP-0203) and the <e2e/> envelope byte-identical",
  async run(ctx) {
    const [sender, recipient] = await Promise.all([registerFresh(ctx), registerFresh(ctx)]);
    const { client: from } = await XmppCheckClient.login(ctx.urls[0], ctx.domain, sender, { sm: true, presence: true, waitMs: ctx.waitMs });
    let to: XmppCheckClient | null = null;
    try {
      const id = "offline-1";
      const envelope = toBase64(randomBytes(ENVELOPE_BYTES));
      const sentAt = Date.now();
      from.send(envelopeMessage(id, bareJid(recipient, ctx), envelope));
      await from.roundTrip(ctx.domain); // the message was routed (stored) before the recipient logs in
      const bounced = from.receivedMatching((e) => e.localName === "message" && e.attrs.id === id && e.attrs.type === "error")[0];
      if (bounced) return { ok: false, measured: `the message to the offline user bounced: ${conditionsOf(bounced.element)}` };
      ({ client: to } = await XmppCheckClient.login(otherUrl(ctx), ctx.domain, recipient, { sm: true, presence: true, waitMs: ctx.waitMs }));
      const got = await to.waitFor(messageFrom(sender.localpart, id), `the offline message '${id}' after login and presence`);
      const delay = childOf(got.element, "delay", NS.delay);
      const stamp = delay?.attrs.stamp;
      const stampOk = stamp !== undefined && Number.isFinite(Date.parse(stamp));
      const e2e = childOf(got.element, "e2e", NS.envelope);
      const identical = e2e?.text === envelope;
      const ok = stampOk && identical;
      const delayText = delay ? `<delay stamp='${stamp ?? ""}'/>${stampOk ? "" : " (stamp not a date)"}` : "no <delay/>";
      const envelopeText = identical ? `envelope identical (${envelope.length} chars)` : e2e ? `envelope differs (${e2e.text.length} chars, sent ${envelope.length})` : "no <e2e/> envelope";
      return { ok, measured: `delivered at login with ${delayText}, ${got.at - sentAt} ms after send; ${envelopeText}` };
    } finally {
      from.close();
      to?.close();
    }
  },
};

export const ackedDeliveredOnce: ConformanceCheck<XmppCheckContext> = {
  name: "acked-delivered-once",
  expected: `${FIRST_BATCH} then ${SECOND_BATCH} messages acknowledged <a h="${FIRST_BATCH}"/>, <a h="${FIRST_BATCH + SECOND_BATCH}"/>; the online recipient gets each exactly once`,
  async run(ctx) {
    const [sender, recipient] = await Promise.all([registerFresh(ctx), registerFresh(ctx)]);
    const { client: to } = await XmppCheckClient.login(otherUrl(ctx), ctx.domain, recipient, { sm: true, presence: true, waitMs: ctx.waitMs });
    let from: XmppCheckClient | null = null;
    try {
      await to.roundTrip(ctx.domain); // available before anything is sent to it
      // no presence from the sender: its stanzas after <enabled/> are exactly the messages
      ({ client: from } = await XmppCheckClient.login(ctx.urls[0], ctx.domain, sender, { sm: true, waitMs: ctx.waitMs }));
      const ids = Array.from({ length: FIRST_BATCH + SECOND_BATCH }, (_, i) => `once-${i + 1}`);
      const acks: string[] = [];
      for (const batch of [ids.slice(0, FIRST_BATCH), ids.slice(FIRST_BATCH)]) {
        for (const id of batch) from.send(envelopeMessage(id, bareJid(recipient, ctx), toBase64(randomBytes(64))));
        from.send(ackRequest());
        const a = (await from.waitFor((e) => e.localName === "a" && e.attrs.xmlns === NS.sm, `<a/> answering <r/> after ${acks.length ? ids.length : FIRST_BATCH} messages`)).element;
        acks.push(a.attrs.h ?? "none");
      }
      for (const id of ids) await to.waitFor(messageFrom(sender.localpart, id), `message '${id}' at the online recipient`);
      await from.roundTrip(ctx.domain);
      await to.roundTrip(ctx.domain); // a second copy would have come before this answer
      const copies = ids.map((id) => to.receivedMatching(messageFrom(sender.localpart, id)).length);
      const once = copies.every((n) => n === 1);
      const ok = acks[0] === String(FIRST_BATCH) && acks[1] === String(ids.length) && once;
      return {
        ok,
        measured: `<a h='${acks[0]}'/> after ${FIRST_BATCH}, <a h='${acks[1]}'/> after ${ids.length} messages; recipient got ${copies.filter((n) => n > 0).length}/${ids.length}${once ? ", each once" : ` (copies: ${copies.join(", ")})`}`,
      };
    } finally {
      to.close();
      from?.close();
    }
  },
};
