// A minimal XMPP-over-WebSocket client for the harness itself (RFC 7395 over the `ws` package):
// readiness probes, bulk registration, test logins. Every WebSocket message is one whole element;
// each wait has a deadline, so nothing here can hang.
import WebSocket from "ws";
import { availablePresence, bindResource, closeStream, NS, openStream, saslPlain, XMPP_SUBPROTOCOL } from "../../protocol/xmpp/stanzas.ts";
import { childOf, parseXmlElement, type XmlElement } from "../../protocol/xmpp/xml.ts";

export class XmppWsClient {
  private readonly queue: XmlElement[] = [];
  private waiter: { resolve: (e: XmlElement) => void; reject: (e: Error) => void } | null = null;
  private ended: Error | null = null;

  private constructor(private readonly ws: WebSocket, readonly url: string) {
    ws.on("message", (data, isBinary) => {
      const text = isBinary ? "" : data.toString();
      const element = parseXmlElement(text);
      if (!element) return this.end(new Error(`${url} sent a WebSocket message that is not one XML element: ${JSON.stringify(text.slice(0, 200))}`));
      if (this.waiter) {
        const { resolve } = this.waiter;
        this.waiter = null;
        resolve(element);
      } else {
        this.queue.push(element);
      }
    });
    ws.on("close", (code, reason) => this.end(new Error(`${url} closed the WebSocket (code ${code}${reason.length ? `, ${reason.toString()}` : ""})`)));
    ws.on("error", (error) => this.end(new Error(`${url}: ${error.message}`)));
  }

  /** Opens the WebSocket with subprotocol `xmpp` (the upgrade must answer 101 and agree on it). */
  static connect(url: string, timeoutMs: number): Promise<XmppWsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, XMPP_SUBPROTOCOL, { handshakeTimeout: timeoutMs });
      const fail = (error: Error) => {
        ws.removeAllListeners();
        ws.on("error", () => undefined);
        ws.terminate();
        reject(error);
      };
      ws.once("unexpected-response", (_req, res) => fail(new Error(`${url} answered the WebSocket upgrade with HTTP ${res.statusCode}`)));
      ws.once("error", (error) => fail(new Error(`${url}: ${error.message}`)));
      ws.once("open", () => {
        ws.removeAllListeners();
        if (ws.protocol !== XMPP_SUBPROTOCOL) return fail(new Error(`${url} accepted the WebSocket without the ${XMPP_SUBPROTOCOL} subprotocol (RFC 7395)`));
        resolve(new XmppWsClient(ws, url));
      });
    });
  }

  private end(error: Error): void {
    if (this.ended) return;
    this.ended = error;
    if (this.waiter) {
      const { reject } = this.waiter;
      this.waiter = null;
      reject(error);
    }
  }

  send(xml: string): void {
    if (this.ended) throw this.ended;
    this.ws.send(xml);
  }

  /** The next element the server sends; rejects after `timeoutMs` saying what was awaited. */
  next(timeoutMs: number, what: string): Promise<XmlElement> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`${this.url}: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  /** `<open/>`, then the server's `<open/>` and `<stream:features/>`; resolves to the features. */
  async openStream(domain: string, timeoutMs: number): Promise<XmlElement> {
    this.send(openStream(domain));
    const open = await this.next(timeoutMs, "<open/> in answer to ours");
    if (open.localName !== "open") throw new Error(`${this.url} answered <open/> with <${open.name}>${streamErrorText(open)}`);
    const features = await this.next(timeoutMs, "<stream:features/>");
    if (features.localName !== "features") throw new Error(`${this.url} sent <${features.name}> where <stream:features/> belongs${streamErrorText(features)}`);
    return features;
  }

  /** Sends `<close/>` (best effort) and closes the socket at once. */
  close(): void {
    try {
      if (!this.ended && this.ws.readyState === WebSocket.OPEN) this.ws.send(closeStream());
    } catch { /* closing anyway */ }
    this.ended ??= new Error(`${this.url}: closed by the harness`);
    this.ws.terminate();
  }
}

function streamErrorText(element: XmlElement): string {
  if (element.localName !== "error") return "";
  return `: stream error ${element.children.map((c) => c.localName).join(", ")}`;
}

/** A stanza error's condition and text (`<error><conflict/><text>...</text></error>`), for messages. */
export function stanzaErrorOf(stanza: XmlElement): string {
  const error = childOf(stanza, "error");
  if (!error) return `<${stanza.name} type="${stanza.attrs.type ?? ""}"> without <error/>`;
  const conditions = error.children.filter((c) => c.localName !== "text").map((c) => c.localName);
  const text = childOf(error, "text")?.text;
  return `${error.attrs.type ? `${error.attrs.type}/` : ""}${conditions.join(",") || "(no condition)"}${text ? ` "${text}"` : ""}`;
}

/**
 * Answers a real XMPP WebSocket handshake within `timeoutMs`: upgrade with subprotocol xmpp (101),
 * `<open/>` answered by `<open/>` and `<stream:features/>`. Rejects saying what was missing.
 */
export async function probeXmppWebSocket(url: string, domain: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const client = await XmppWsClient.connect(url, timeoutMs);
  try {
    await client.openStream(domain, Math.max(1, deadline - Date.now()));
  } finally {
    client.close();
  }
}

export interface XmppLogin {
  client: XmppWsClient;
  /** the full JID the server bound */
  jid: string;
}

/**
 * SASL PLAIN login and resource binding (RFC 6120 over RFC 7395), then available presence when
 * `presence`; the caller closes `client`. Rejects with the server's SASL failure or stanza error.
 */
export async function loginPlain(opts: { url: string; domain: string; localpart: string; password: string; resource?: string; timeoutMs?: number; presence?: boolean }): Promise<XmppLogin> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const who = `${opts.localpart}@${opts.domain}`;
  const client = await XmppWsClient.connect(opts.url, timeoutMs);
  try {
    const features = await client.openStream(opts.domain, timeoutMs);
    const mechanisms = childOf(features, "mechanisms", NS.sasl)?.children.map((m) => m.text.trim()) ?? [];
    if (!mechanisms.includes("PLAIN")) throw new Error(`${opts.url} offers no SASL PLAIN (mechanisms: ${mechanisms.join(", ") || "none"})`);
    client.send(saslPlain(opts.localpart, opts.password));
    const outcome = await client.next(timeoutMs, `SASL outcome for ${who}`);
    if (outcome.localName !== "success") {
      const text = childOf(outcome, "text")?.text;
      throw new Error(`login of ${who} refused: <${outcome.localName}> ${outcome.children.filter((c) => c.localName !== "text").map((c) => c.localName).join(", ")}${text ? ` "${text}"` : ""}`);
    }
    const afterAuth = await client.openStream(opts.domain, timeoutMs);
    if (!childOf(afterAuth, "bind", NS.bind)) throw new Error(`${opts.url} offers no resource binding after login of ${who}`);
    client.send(bindResource("bind1", opts.resource ?? "harness"));
    const bound = await client.next(timeoutMs, `bind result for ${who}`);
    if (bound.localName !== "iq" || bound.attrs.type !== "result") throw new Error(`binding a resource for ${who} failed: ${stanzaErrorOf(bound)}`);
    const jid = childOf(childOf(bound, "bind", NS.bind) ?? bound, "jid")?.text ?? "";
    if (opts.presence) client.send(availablePresence());
    return { client, jid };
  } catch (error) {
    client.close();
    throw error;
  }
}
