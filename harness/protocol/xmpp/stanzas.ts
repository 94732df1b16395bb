// The XMPP the clients send, as text (RFC 6120/7395 framing, SASL PLAIN, resource binding,
// XEP-0198 stream management, XEP-0077 registration, and the project's E2E envelope inside a
// <message>). One place for namespaces and shapes, used by the k6 driver and the harness alike.
import { toBase64, utf8 } from "../bytes.ts";
import { escapeXml } from "./xml.ts";

export const NS = {
  framing: "urn:ietf:params:xml:ns:xmpp-framing",
  client: "jabber:client",
  sasl: "urn:ietf:params:xml:ns:xmpp-sasl",
  bind: "urn:ietf:params:xml:ns:xmpp-bind",
  sm: "urn:xmpp:sm:3",
  register: "jabber:iq:register",
  delay: "urn:xmpp:delay",
  /** the project's E2E envelope: base64 ciphertext, never a plaintext <body> */
  envelope: "urn:e2ee-chaos:envelope:1",
  pubsub: "http://jabber.org/protocol/pubsub",
} as const;

/** The WebSocket subprotocol RFC 7395 requires. */
export const XMPP_SUBPROTOCOL = "xmpp";

export function openStream(domain: string): string {
  return `<open xmlns="${NS.framing}" to="${escapeXml(domain)}" version="1.0"/>`;
}

export function closeStream(): string {
  return `<close xmlns="${NS.framing}"/>`;
}

/** SASL PLAIN (RFC 4616): authzid empty, then authcid and password. */
export function saslPlain(localpart: string, password: string): string {
  return `<auth xmlns="${NS.sasl}" mechanism="PLAIN">${toBase64(utf8(`\u0000${localpart}\u0000${password}`))}</auth>`;
}

export function bindResource(id: string, resource: string): string {
  return `<iq xmlns="${NS.client}" type="set" id="${escapeXml(id)}"><bind xmlns="${NS.bind}"><resource>${escapeXml(resource)}</resource></bind></iq>`;
}

/** In-band registration (XEP-0077) of an account, on a stream that has not logged in. */
export function registerAccount(id: string, localpart: string, password: string): string {
  return `<iq xmlns="${NS.client}" type="set" id="${escapeXml(id)}"><query xmlns="${NS.register}"><username>${escapeXml(localpart)}</username><password>${escapeXml(password)}</password></query></iq>`;
}

export function availablePresence(): string {
  return `<presence xmlns="${NS.client}"/>`;
}

export function enableStreamManagement(): string {
  return `<enable xmlns="${NS.sm}" resume="true"/>`;
}

export function resumeStream(previd: string, handled: number): string {
  return `<resume xmlns="${NS.sm}" previd="${escapeXml(previd)}" h="${handled}"/>`;
}

export function ackRequest(): string {
  return `<r xmlns="${NS.sm}"/>`;
}

export function ackAnswer(handled: number): string {
  return `<a xmlns="${NS.sm}" h="${handled}"/>`;
}

/**
 * One E2E message: the envelope (base64, needs no escaping) in its own namespaced child, no
 * <body>; `fwd` says it is one of that many forwards of the same content.
 */
export function envelopeMessage(id: string, to: string, envelope: string, fwd?: number): string {
  return `<message xmlns="${NS.client}" type="chat" id="${escapeXml(id)}" to="${escapeXml(to)}"><e2e xmlns="${NS.envelope}"${fwd ? ` fwd="${fwd}"` : ""}>${envelope}</e2e></message>`;
}

/** Stanzas XEP-0198 counts: what the server's `h` and ours number. */
export function isCountedStanza(localName: string): boolean {
  return localName === "message" || localName === "iq" || localName === "presence";
}
