// XMPP as a driver (RFC 7395 over WebSocket, RFC 6120): SASL PLAIN, resource binding, XEP-0198
// stream management with resumption; a newcomer (the surge's) first creates its account by in-band
// registration (XEP-0077) on the same stream. The server's acknowledgement of a message is the <a h/>
// that covers its stanza; deliveries are acknowledged with our <a h/> when the server asks and at
// every tick; after a dropped connection the stream is resumed where the server allows it, and
// otherwise the user logs in afresh and gets its offline messages. The E2E envelope travels in
// its own namespaced child of <message>, with no <body>: the server sees ciphertext only.
import type { AckRef } from "../../../harness/protocol/frames.ts";
import { jidOf, userIdOfJid } from "../../../harness/protocol/xmpp/jid.ts";
import { ackAnswer, ackRequest, availablePresence, bindResource, closeStream, enableStreamManagement, envelopeMessage, isCountedStanza, NS, openStream, registerAccount, resumeStream, saslPlain, XMPP_SUBPROTOCOL } from "../../../harness/protocol/xmpp/stanzas.ts";
import { childOf, parseXmlElement, type XmlElement } from "../../../harness/protocol/xmpp/xml.ts";
import type { DialectConnection, LinkOptions, LinkWire } from "../server-link.ts";
import { LinkedDriver } from "./linked-driver.ts";
import type { DriverEvents, PublishedPrekeys, ServerDriver } from "./server-driver.ts";
import { bundleFromItems, fetchBundleIq, publishBundleIq, PUBLISH_IQ_ID, FETCH_IQ_PREFIX, ONE_TIME_PREKEY_GRACE_MS, withoutOneTimePrekey } from "./xmpp-prekeys.ts";
import { InboundCounter, OutboundCounter } from "./xmpp-stream-counters.ts";

export interface XmppAccount {
  userId: string; domain: string; localpart: string; password: string;
  /** a newcomer: creates its account by in-band registration (XEP-0077) before its first login */
  register?: boolean;
}

/** a delivery's stanza: its number in the stream, and which numbering that was */
interface Numbered { stanza: number; epoch: number }

/** a refused publication of the bundle is sent again this much later, at most this many times in a row */
const PUBLISH_RETRY_MS = 300;
const PUBLISH_ATTEMPTS = 5;

/** the id of the registration iq, and the `reqId` of a registration refusal */
export const REGISTER_IQ_ID = "register";

export class XmppDriver extends LinkedDriver implements ServerDriver {
  private readonly outbound = new OutboundCounter();
  private readonly inbound = new InboundCounter();
  /** deliveries shown to the user and not yet acknowledged by it, by `from/id` */
  private readonly numbered = new Map<string, Numbered>();
  /** the h we last told the server */
  private reportedHandled = 0;
  /** the stream to resume after a dropped connection (XEP-0198 `previd`), while the server allows it */
  private resumeId: string | null = null;
  private readonly jids = new Map<string, string>();
  /** the account exists on the server (registered by the harness, or by this driver: REGISTER_IQ_ID answered) */
  private registered: boolean;
  /** the bundle last published (its one-time prekeys shrink as they are consumed); null before the first */
  private bundle: PublishedPrekeys | null = null;
  /** the last publication could not be sent (offline): it goes out at the next login */
  private bundleUnsent = false;
  /** publications the server refused in a row (onPublishRefused) */
  private publishFailures = 0;
  /** PEP hands out whole bundles: peers pick one-time prekeys, so a consumed one is kept a while (xmpp-prekeys.ts) */
  readonly oneTimePrekeyGraceMs = ONE_TIME_PREKEY_GRACE_MS;
  /** picks a one-time prekey from each fetched bundle */
  private readonly random: () => number;

  constructor(options: LinkOptions, private readonly account: XmppAccount, events: DriverEvents) {
    super(options, events, XMPP_SUBPROTOCOL);
    this.registered = !account.register;
    this.random = options.random;
  }

  /**
   * Ends the stream with <close/> before the WebSocket closes (RFC 7395 section 3.6), so the server
   * ends the session and closes the connection itself. Prosody 0.12.3 answers a WebSocket close
   * frame on a resumed stream's first connection, never on the one in use: a bare close there
   * leaves k6 waiting for an answer that does not come.
   */
  stop(): void {
    this.link.send(closeStream());
    super.stop();
  }

  send(id: string, to: string, body: string, fwd?: number): boolean {
    if (!this.link.send(envelopeMessage(id, this.jid(to), body, fwd))) return false;
    this.outbound.sent(id);
    this.link.send(ackRequest());
    return true;
  }

  acknowledge(refs: AckRef[]): number {
    for (const ref of refs) {
      const key = `${ref.from}/${ref.id}`;
      const numbered = this.numbered.get(key);
      if (!numbered) continue;
      this.numbered.delete(key);
      this.inbound.handle(numbered.stanza, numbered.epoch);
    }
    this.reportHandled();
    return refs.length;
  }

  publishPrekeys(prekeys: PublishedPrekeys): boolean {
    this.bundle = prekeys;
    this.bundleUnsent = !this.sendStanza(publishBundleIq(prekeys));
    return !this.bundleUnsent;
  }

  /** Publishes the bundle again without one-time prekey `id` (a reconnect's publication carries the shrunk bundle too). */
  oneTimePrekeyUsed(id: number): void {
    const shrunk = this.bundle && withoutOneTimePrekey(this.bundle, id);
    if (shrunk) this.publishPrekeys(shrunk);
  }

  fetchPrekeys(reqId: string, userId: string): boolean {
    return this.sendStanza(fetchBundleIq(reqId, this.jid(userId)));
  }

  /**
   * The server refused a publication of the bundle. ejabberd 23.01 aborts concurrent first
   * publications now and then (mnesia's deadlock detection while auto-creating the PEP nodes, an
   * internal-server-error): the bundle is published again, as a client would, until
   * PUBLISH_ATTEMPTS refusals in a row; then the refusal is the user's (reqId "publish").
   */
  private onPublishRefused(condition: string): void {
    if (++this.publishFailures >= PUBLISH_ATTEMPTS) return this.events.refused({ code: `publish:xmpp:${condition}`, reqId: "publish" });
    setTimeout(() => this.bundle && this.publishPrekeys(this.bundle), PUBLISH_RETRY_MS);
  }

  /** After a login: the bundle whose publication could not be sent, now. */
  private publishUnsent(): void {
    if (this.bundleUnsent && this.bundle) this.publishPrekeys(this.bundle);
  }

  private sendStanza(stanza: string): boolean {
    if (!this.link.send(stanza)) return false;
    this.outbound.sent(null);
    return true;
  }

  private jid(userId: string): string {
    let jid = this.jids.get(userId);
    if (jid === undefined) this.jids.set(userId, (jid = jidOf(userId, this.account.domain)));
    return jid;
  }

  private reportHandled(): void {
    if (this.inbound.handled > this.reportedHandled && this.link.send(ackAnswer(this.inbound.handled))) this.reportedHandled = this.inbound.handled;
  }

  /** One connection: stream header, SASL, then resume or bind + enable + presence. */
  protected connection(wire: LinkWire): DialectConnection {
    const { domain, localpart, password } = this.account;
    let authenticated = false;
    /** stream management is on for this connection: stanzas count */
    let counting = false;
    const answerServer = (h: number) => {
      if (wire.send(ackAnswer(h))) this.reportedHandled = Math.max(this.reportedHandled, h);
    };
    const serverAcked = (h: number) => {
      for (const id of this.outbound.acknowledge(h)) this.events.accepted(id);
    };
    const loggedIn = (resumed: boolean, h: number) => {
      serverAcked(h);
      // what the server did not acknowledge, the user's outbox sends again as new stanzas
      this.outbound.reset(resumed ? h : 0);
      this.inbound.restart(!resumed);
      if (!resumed) this.reportedHandled = 0;
      counting = true;
    };
    return {
      open: () => wire.send(openStream(domain)),
      // Liveness once stream management is on: <r/>, answered with <a h/>, as an XMPP client in a
      // browser (which cannot send WebSocket pings) keeps its connection checked. Before that, a
      // WebSocket ping. (Prosody 0.12.3 answers WebSocket pings on a resumed stream on its first
      // connection, never on the one in use: conformance reports it.)
      probe: () => (counting ? ackRequest() : null),
      text: (data: string) => {
        const el = parseXmlElement(data);
        if (!el) return;
        if (counting && isCountedStanza(el.localName)) return this.onStanza(el);
        switch (el.localName) {
          case "open":
            return wire.answered();
          case "features":
            if (!authenticated && !this.registered) {
              wire.send(registerAccount(REGISTER_IQ_ID, localpart, password));
            } else if (!authenticated) {
              const mechanisms = childOf(el, "mechanisms")?.children.map((m) => m.text) ?? [];
              if (!mechanisms.includes("PLAIN")) return wire.fail(`the server offers no SASL PLAIN (offers: ${mechanisms.join(", ") || "none"})`);
              wire.send(saslPlain(localpart, password));
            } else if (this.resumeId) {
              wire.send(resumeStream(this.resumeId, this.inbound.handled));
            } else {
              wire.send(bindResource("bind", "k6"));
            }
            return;
          case "success":
            authenticated = true;
            return wire.send(openStream(domain)); // the stream restarts after SASL
          case "failure":
            return wire.fail(`SASL PLAIN refused: ${el.children[0]?.localName ?? "no reason"}`);
          case "iq":
            if (el.attrs.id === REGISTER_IQ_ID) return this.onRegistration(el, () => wire.send(saslPlain(localpart, password)));
            if (el.attrs.id !== "bind") return;
            if (el.attrs.type !== "result") return wire.fail(`resource binding refused: ${stanzaError(el)}`);
            return wire.send(enableStreamManagement());
          case "enabled":
            this.resumeId = el.attrs.resume === "true" || el.attrs.resume === "1" ? el.attrs.id ?? null : null;
            loggedIn(false, 0);
            if (wire.send(availablePresence())) this.outbound.sent(null); // offline messages follow it
            wire.ready();
            return this.publishUnsent();
          case "resumed":
            loggedIn(true, Number(el.attrs.h) || 0);
            wire.ready();
            return this.publishUnsent();
          case "failed":
            if (this.resumeId === null) return wire.fail(`stream management refused: ${el.children[0]?.localName ?? "no reason"}`);
            // the old stream is gone: what the server says it handled of it is acknowledged, the rest resent after a fresh bind
            if (el.attrs.h !== undefined) serverAcked(Number(el.attrs.h) || 0);
            this.resumeId = null;
            return wire.send(bindResource("bind", "k6"));
          case "r":
            return counting ? answerServer(this.inbound.handled) : undefined;
          case "a":
            return serverAcked(Number(el.attrs.h) || 0);
          default:
            return;
        }
      },
    };
  }

  /**
   * The answer to our registration: created, or <conflict/> (a registration whose answer a dropped
   * connection lost): log in. Anything else is the server's refusal, reported with its condition
   * (`register:xmpp:<condition>`, e.g. resource-constraint for ejabberd's registration_timeout,
   * policy-violation for Prosody's throttle); the connection then waits for the user to stop it.
   */
  private onRegistration(el: XmlElement, logIn: () => void): void {
    const condition = el.attrs.type === "result" ? null : stanzaError(el);
    if (condition === null || condition === "conflict") {
      this.registered = true;
      return logIn();
    }
    this.events.refused({ code: `register:xmpp:${condition}`, reqId: REGISTER_IQ_ID });
  }

  /** A counted stanza from the server (stream management is on). */
  private onStanza(el: XmlElement): void {
    const numbered: Numbered = { stanza: this.inbound.arrived(), epoch: this.inbound.epoch };
    const handled = () => this.inbound.handle(numbered.stanza, numbered.epoch);
    if (el.localName === "message") {
      const envelope = childOf(el, "e2e", NS.envelope);
      const from = el.attrs.from ? userIdOfJid(el.attrs.from) : null;
      if (el.attrs.type === "error") {
        handled();
        if (el.attrs.id) this.events.refused(refusalOf(el));
        return;
      }
      if (!envelope || !from || !el.attrs.id) return handled();
      this.numbered.set(`${from}/${el.attrs.id}`, numbered);
      return this.events.delivered({ from, id: el.attrs.id, body: envelope.text });
    }
    handled();
    if (el.localName !== "iq") return;
    const id = el.attrs.id ?? "";
    if (el.attrs.type === "get" || el.attrs.type === "set") {
      // a request this client does not serve (XEP-0199 pings are answered as RFC 6120 allows any iq to be)
      const ping = childOf(el, "ping", "urn:xmpp:ping");
      this.sendStanza(ping ? `<iq xmlns="${NS.client}" type="result" id="${id}"${el.attrs.from ? ` to="${el.attrs.from}"` : ""}/>` : `<iq xmlns="${NS.client}" type="error" id="${id}"${el.attrs.from ? ` to="${el.attrs.from}"` : ""}><error type="cancel"><service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>`);
      return;
    }
    if (id === PUBLISH_IQ_ID && el.attrs.type === "result") {
      this.publishFailures = 0;
      return this.events.prekeysPublished();
    }
    if (id === PUBLISH_IQ_ID && el.attrs.type === "error") return this.onPublishRefused(stanzaError(el));
    if (id.startsWith(FETCH_IQ_PREFIX)) {
      const reqId = id.slice(FETCH_IQ_PREFIX.length);
      const bundle = el.attrs.type === "result" && el.attrs.from ? bundleFromItems(el, userIdOfJid(el.attrs.from) ?? "", this.random) : null;
      if (bundle) this.events.bundle(reqId, bundle);
      else this.events.refused({ code: "no_prekeys", reqId, retryAfterMs: 1000 });
    }
  }
}

/** The condition a stanza error names (RFC 6120 8.3), e.g. service-unavailable. */
function stanzaError(el: XmlElement): string {
  const error = childOf(el, "error");
  return error?.children.find((c) => c.localName !== "text")?.localName ?? "no error condition";
}

/** A bounced message: type `wait` means busy, try again; anything else, refused. */
function refusalOf(el: XmlElement) {
  const busy = childOf(el, "error")?.attrs.type === "wait";
  return { code: `xmpp:${stanzaError(el)}`, id: el.attrs.id, ...(busy ? { retryAfterMs: 500 } : {}) };
}
