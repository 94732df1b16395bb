// An XMPP-over-WebSocket client made for the conformance checks (RFC 7395 over the `ws` package):
// it keeps every element the server sent (raw text, parsed element, arrival time), waits for one
// matching a predicate with a deadline that names what was awaited, counts the stanzas it received
// for XEP-0198 from <enabled/> or <resumed/> on (answering the server's <r/> with that count), and
// can drop its TCP connection without </close> (a lost network) or end the stream properly.
import WebSocket from "ws";
import { ackAnswer, availablePresence, bindResource, closeStream, enableStreamManagement, isCountedStanza, NS, openStream, resumeStream, saslPlain, XMPP_SUBPROTOCOL } from "../../protocol/xmpp/stanzas.ts";
import { childOf, parseXmlElement, type XmlElement } from "../../protocol/xmpp/xml.ts";

/** How long one awaited answer may take; a check's own deadline is longer. */
export const XMPP_WAIT_MS = 3000;

export interface ReceivedElement {
  element: XmlElement;
  /** the WebSocket message as the server sent it */
  text: string;
  /** Date.now() at arrival */
  at: number;
}

export interface XmppAccount {
  localpart: string;
  password: string;
}

interface Waiter {
  predicate: (e: XmlElement) => boolean;
  resolve: (r: ReceivedElement) => void;
  reject: (e: Error) => void;
  what: string;
}

export class XmppCheckClient {
  /** everything the server sent, in order */
  readonly received: ReceivedElement[] = [];
  /** the WebSocket close, once it happened */
  closeInfo: { code: number; reason: string } | null = null;
  /** XEP-0198: counted stanzas received since <enabled/> (or since the h given in <resume/>) */
  handled = 0;
  /** whether the server's <r/> is answered with <a h={handled}/> as it arrives */
  answerAckRequests = true;
  /** `handled` at each <r/> the server sent (what was answered, when answered) */
  readonly ackRequests: number[] = [];
  private counting = false;
  private resumeFrom = 0;
  private unread: ReceivedElement[] = [];
  private waiters: Waiter[] = [];
  private failure: Error | null = null;

  private constructor(private readonly ws: WebSocket, readonly url: string, readonly waitMs: number) {
    ws.on("message", (data, isBinary) => this.onMessage(isBinary ? "" : data.toString()));
    ws.on("close", (code, reason) => {
      this.closeInfo = { code, reason: reason.toString() };
      this.fail(new Error(`the server closed the WebSocket (code ${code}${reason.length ? `, ${reason.toString()}` : ""})`));
    });
    ws.on("error", (error) => this.fail(new Error(`WebSocket error: ${error.message}`)));
  }

  /** The subprotocol the server agreed on in its 101 answer ("" for none). */
  get protocol(): string {
    return this.ws.protocol;
  }

  /**
   * Opens a WebSocket offering the `xmpp` subprotocol. Rejects on an upgrade refused (with its HTTP
   * status) or answered without `xmpp`; `requireSubprotocol: false` accepts any answer, for the
   * check that reports what came back.
   */
  static connect(url: string, opts: { waitMs?: number; requireSubprotocol?: boolean } = {}): Promise<XmppCheckClient> {
    const waitMs = opts.waitMs ?? XMPP_WAIT_MS;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, XMPP_SUBPROTOCOL, { handshakeTimeout: waitMs, rejectUnauthorized: false });
      const fail = (error: Error) => {
        ws.removeAllListeners();
        ws.on("error", () => undefined);
        ws.terminate();
        reject(error);
      };
      ws.once("unexpected-response", (_req, res) => fail(new Error(`the WebSocket upgrade was answered with HTTP ${res.statusCode}, not 101`)));
      // ws refuses a 101 without the subprotocol it offered ("Server sent no subprotocol")
      ws.once("error", (error) => fail(new Error(`WebSocket upgrade with subprotocol ${XMPP_SUBPROTOCOL} failed: ${error.message}`)));
      ws.once("open", () => {
        ws.removeAllListeners();
        if (opts.requireSubprotocol !== false && ws.protocol !== XMPP_SUBPROTOCOL) return fail(new Error(`the server answered the upgrade with subprotocol "${ws.protocol}", not ${XMPP_SUBPROTOCOL}`));
        resolve(new XmppCheckClient(ws, url, waitMs));
      });
    });
  }

  private onMessage(text: string): void {
    const element = parseXmlElement(text);
    if (!element) return this.fail(new Error(`the server sent a WebSocket message that is not one XML element: ${JSON.stringify(text.slice(0, 120))}`));
    const received = { element, text, at: Date.now() };
    this.received.push(received);
    const name = element.localName;
    if (this.counting && isCountedStanza(name)) this.handled++;
    if ((name === "enabled" || name === "resumed") && element.attrs.xmlns === NS.sm) {
      this.counting = true;
      this.handled = name === "enabled" ? 0 : this.resumeFrom;
    }
    if (name === "r" && element.attrs.xmlns === NS.sm) {
      this.ackRequests.push(this.handled);
      if (this.answerAckRequests && this.counting) this.trySend(ackAnswer(this.handled));
    }
    const waiter = this.waiters.find((w) => w.predicate(element));
    if (waiter) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(received);
    } else {
      this.unread.push(received);
    }
    if (name === "error" && element.name.includes("stream")) this.fail(new Error(`the server sent a stream error: ${conditionsOf(element)}`));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w.reject(new Error(`${error.message}, while waiting for ${w.what}`));
  }

  send(xml: string): void {
    if (this.failure) throw new Error(`cannot send: ${this.failure.message}`);
    this.ws.send(xml);
  }

  private trySend(xml: string): void {
    if (!this.failure && this.ws.readyState === WebSocket.OPEN) this.ws.send(xml);
  }

  /** The first unread element matching `predicate` (earlier unmatched ones stay unread); rejects after timeoutMs naming `what`. */
  waitFor(predicate: (e: XmlElement) => boolean, what: string, timeoutMs = this.waitMs): Promise<ReceivedElement> {
    const index = this.unread.findIndex((r) => predicate(r.element));
    if (index >= 0) return Promise.resolve(this.unread.splice(index, 1)[0]);
    if (this.failure) return Promise.reject(new Error(`${this.failure.message}, while waiting for ${what}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        predicate,
        what,
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      this.waiters.push(waiter);
    });
  }

  /** The next unread element, whatever it is. */
  async next(what: string, timeoutMs = this.waitMs): Promise<XmlElement> {
    return (await this.waitFor(() => true, what, timeoutMs)).element;
  }

  /** <open/>, then the server's <open/> and <stream:features/>. */
  async openStream(domain: string): Promise<{ open: XmlElement; features: XmlElement }> {
    this.send(openStream(domain));
    const open = await this.next("<open/> answering ours");
    if (open.localName !== "open") throw new Error(`<open/> was answered with ${describeElement(open)}`);
    const features = await this.next("<stream:features/> after <open/>");
    if (features.localName !== "features") throw new Error(`${describeElement(features)} came where <stream:features/> belongs`);
    return { open, features };
  }

  /** SASL PLAIN; resolves to the server's <success/> or <failure/>. */
  async authenticate(account: XmppAccount): Promise<XmlElement> {
    this.send(saslPlain(account.localpart, account.password));
    const outcome = (await this.waitFor((e) => e.attrs.xmlns === NS.sasl && (e.localName === "success" || e.localName === "failure"), "<success/> or <failure/> answering SASL PLAIN")).element;
    return outcome;
  }

  /** Resource binding; resolves to the full JID the server bound. */
  async bind(resource: string): Promise<string> {
    const id = `bind-${Math.random().toString(36).slice(2, 8)}`;
    this.send(bindResource(id, resource));
    const answer = await this.iqAnswer(id, "the answer to resource binding");
    if (answer.attrs.type !== "result") throw new Error(`resource binding answered ${describeElement(answer)}`);
    const jid = childOf(childOf(answer, "bind", NS.bind) ?? answer, "jid")?.text.trim() ?? "";
    if (!jid) throw new Error("resource binding answered a result without <jid/>");
    return jid;
  }

  /** XEP-0198 <enable resume="true"/>; resolves to <enabled/> or <failed/>. */
  async enableStreamManagement(): Promise<XmlElement> {
    this.send(enableStreamManagement());
    return (await this.waitFor((e) => e.attrs.xmlns === NS.sm && (e.localName === "enabled" || e.localName === "failed"), "<enabled/> or <failed/> answering <enable resume=\"true\"/>")).element;
  }

  /** XEP-0198 <resume/> with `h` (what this side handled of the old stream); resolves to <resumed/> or <failed/>. */
  async resume(previd: string, h: number): Promise<XmlElement> {
    this.resumeFrom = h;
    this.send(resumeStream(previd, h));
    return (await this.waitFor((e) => e.attrs.xmlns === NS.sm && (e.localName === "resumed" || e.localName === "failed"), "<resumed/> or <failed/> answering <resume/>")).element;
  }

  /** The answer (result or error) to the iq with this id. */
  async iqAnswer(id: string, what: string): Promise<XmlElement> {
    return (await this.waitFor((e) => e.localName === "iq" && e.attrs.id === id && (e.attrs.type === "result" || e.attrs.type === "error"), what)).element;
  }

  /** An XEP-0199 ping to the server, answered: proves every earlier stanza of this stream was processed. */
  async roundTrip(domain: string): Promise<void> {
    const id = `ping-${Math.random().toString(36).slice(2, 8)}`;
    this.send(`<iq xmlns="${NS.client}" type="get" id="${id}" to="${domain}"><ping xmlns="urn:xmpp:ping"/></iq>`);
    await this.iqAnswer(id, "the answer to an XMPP ping (XEP-0199)");
  }

  /** The elements received so far that match, read or not. */
  receivedMatching(predicate: (e: XmlElement) => boolean): ReceivedElement[] {
    return this.received.filter((r) => predicate(r.element));
  }

  /** A WebSocket ping: the round trip to its pong in ms, or null when none came within `timeoutMs`. */
  wsPing(timeoutMs = this.waitMs): Promise<number | null> {
    const sentAt = Date.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(null), timeoutMs);
      const done = (ms: number | null) => {
        clearTimeout(timer);
        this.ws.off("pong", onPong);
        resolve(ms);
      };
      const onPong = () => done(Date.now() - sentAt);
      this.ws.on("pong", onPong);
      this.ws.ping();
    });
  }

  /** A WebSocket close frame (no </close> first): the code the server's close answered with, or null when none came within `timeoutMs`. */
  wsCloseHandshake(timeoutMs = this.waitMs): Promise<number | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ws.terminate();
        resolve(null);
      }, timeoutMs);
      this.ws.once("close", (code) => {
        clearTimeout(timer);
        resolve(code);
      });
      this.failure ??= new Error("closed by the check");
      this.ws.close(1000);
    });
  }

  /** Closes the TCP connection without </close>: to the server, the network went away. */
  drop(): void {
    this.failure ??= new Error("dropped by the check");
    this.ws.terminate();
  }

  /** </close> (best effort) and the socket closed at once. */
  close(): void {
    try {
      if (!this.failure && this.ws.readyState === WebSocket.OPEN) this.ws.send(closeStream());
    } catch { /* closing anyway */ }
    this.failure ??= new Error("closed by the check");
    this.ws.terminate();
  }

  /**
   * Connects, logs in with SASL PLAIN and binds a resource; with `sm` enables stream management
   * (resume="true") and with `presence` sends available presence after it (offline messages
   * follow it), as the k6 driver does. Rejects saying which step failed.
   */
  static async login(url: string, domain: string, account: XmppAccount, opts: { resource?: string; sm?: boolean; presence?: boolean; waitMs?: number } = {}): Promise<{ client: XmppCheckClient; jid: string; enabled: XmlElement | null }> {
    const client = await XmppCheckClient.connect(url, { waitMs: opts.waitMs });
    try {
      await client.openStream(domain);
      const outcome = await client.authenticate(account);
      if (outcome.localName !== "success") throw new Error(`SASL PLAIN login of ${account.localpart}@${domain} refused: ${conditionsOf(outcome)}`);
      await client.openStream(domain);
      const jid = await client.bind(opts.resource ?? "conformance");
      let enabled: XmlElement | null = null;
      if (opts.sm) {
        enabled = await client.enableStreamManagement();
        if (enabled.localName !== "enabled") throw new Error(`<enable resume="true"/> answered ${describeElement(enabled)}`);
      }
      if (opts.presence) client.send(availablePresence());
      return { client, jid, enabled };
    } catch (error) {
      client.close();
      throw error;
    }
  }
}

/** `<failure><not-authorized/></failure>` -> "not-authorized"; a stanza or stream error's conditions and text. */
export function conditionsOf(element: XmlElement): string {
  const holder = element.localName === "iq" || element.localName === "message" || element.localName === "presence" ? (childOf(element, "error") ?? element) : element;
  const conditions = holder.children.filter((c) => c.localName !== "text").map((c) => c.localName);
  const text = childOf(holder, "text")?.text;
  return `${conditions.join(", ") || "no condition"}${text ? ` "${text}"` : ""}`;
}

/** `<iq type="error">` with its error condition, or `<name/>`, for measurements. */
export function describeElement(element: XmlElement): string {
  const type = element.attrs.type ? ` type="${element.attrs.type}"` : "";
  const inner = element.localName === "error" || element.attrs.type === "error" || element.localName === "failure" || element.localName === "failed" ? ` (${conditionsOf(element)})` : "";
  return `<${element.name}${type}>${inner}`;
}
