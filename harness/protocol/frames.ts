// Wire frames of relay protocol v1 (fixtures/relay/PROTOCOL.md): types, encoder, validating decoder.

export const PROTOCOL_VERSION = 1;
export const MAX_MESSAGE_ID_LENGTH = 128;

export interface SignedPrekey { id: number; key: string; sig: string }
export interface OneTimePrekey { id: number; key: string }
/** One delivered message named in an `ack`: its sender's userId and the sender's message id. */
export interface AckRef { from: string; id: string }
export const MAX_ACKS_PER_FRAME = 1000;

export type ClientFrame =
  | { type: "auth"; v: number; signingKey: string; signature: string }
  | { type: "publish_prekeys"; reqId?: string; dhKey: string; dhKeySig: string; signedPrekey: SignedPrekey; oneTimePrekeys: OneTimePrekey[] }
  | { type: "fetch_prekeys"; reqId?: string; userId: string }
  | { type: "send"; id: string; to: string; body: string; fwd?: number }
  | { type: "ack"; acks: AckRef[] }
  | { type: "ping"; t: number };

export interface PrekeyBundle {
  userId: string;
  signingKey: string;
  dhKey: string;
  dhKeySig: string;
  signedPrekey: SignedPrekey;
  oneTimePrekey?: OneTimePrekey;
  oneTimeRemaining: number;
}

export type ErrorCode =
  | "bad_frame" | "unknown_type" | "not_authenticated" | "bad_signature" | "no_prekeys"
  | "rate_limited" | "too_many_recipients" | "too_large" | "store_failed" | "queue_full" | "store_full";

export type RelayFrame =
  | { type: "challenge"; v: number; nonce: string; serverTime: number }
  | { type: "auth_ok"; userId: string; queued: number }
  | { type: "prekeys_ok"; reqId?: string; oneTimePrekeys: number }
  | ({ type: "prekey_bundle"; reqId?: string } & PrekeyBundle)
  | { type: "sent"; id: string; to: string; ts: number }
  | { type: "deliver"; id: string; from: string; body: string; ts: number }
  | { type: "prekeys_low"; remaining: number }
  | { type: "pong"; t: number; serverTime: number }
  | { type: "error"; code: ErrorCode; message: string; reqId?: string; id?: string; retryAfterMs?: number; limit?: number };

export const CLOSE = {
  goingAway: 1001,
  tooLarge: 1009,
  tooManyBadFrames: 4400,
  authFailed: 4401,
  authTimeout: 4408,
  /** another socket of the same identity beyond RELAY_MAX_SOCKETS_PER_IDENTITY replaced this one */
  replaced: 4409,
  /** the socket did not read: more than RELAY_MAX_BUFFERED_BYTES waited to be sent */
  slowReader: 4413,
  /** an authenticated socket sent nothing and answered no ping within RELAY_IDLE_TIMEOUT_MS */
  idle: 4408,
} as const;

/** The `id` / `reqId` of a refused frame, when it had them as strings, so the error can name them. */
export interface FrameRef { id?: string; reqId?: string }
export type Decoded<T> = { ok: true; frame: T; ref?: FrameRef } | { ok: false; code: "bad_frame" | "unknown_type"; message: string; ref?: FrameRef };

export function encodeFrame(frame: ClientFrame | RelayFrame): string {
  return JSON.stringify(frame);
}

/**
 * The `send` frame as text, the same JSON encodeFrame gives, without walking an object (the hot
 * path of load generators): `body` must be base64, which needs no JSON escaping.
 */
export function encodeSendFrame(id: string, to: string, body: string, fwd?: number): string {
  return `{"type":"send","id":${JSON.stringify(id)},"to":${JSON.stringify(to)},"body":"${body}"${fwd ? `,"fwd":${fwd}` : ""}}`;
}

type Check = (v: unknown) => boolean;
const isString: Check = (v) => typeof v === "string";
const isNonEmptyString: Check = (v) => typeof v === "string" && v.length > 0;
const isInt: Check = (v) => typeof v === "number" && Number.isInteger(v) && v >= 0;
const isNumber: Check = (v) => typeof v === "number" && Number.isFinite(v);
const isMessageId: Check = (v) => typeof v === "string" && v.length > 0 && v.length <= MAX_MESSAGE_ID_LENGTH;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const optional = (check: Check): Check => (v) => v === undefined || check(v);
const isSignedPrekey: Check = (v) => isObject(v) && isInt(v.id) && isNonEmptyString(v.key) && isNonEmptyString(v.sig);
const isOneTimePrekey: Check = (v) => isObject(v) && isInt(v.id) && isNonEmptyString(v.key);
const isAckRef: Check = (v) => isObject(v) && isNonEmptyString(v.from) && isMessageId(v.id);
const arrayOf = (check: Check, max: number): Check => (v) => Array.isArray(v) && v.length <= max && v.every(check);

const CLIENT_SCHEMAS: Record<ClientFrame["type"], Record<string, Check>> = {
  auth: { v: isInt, signingKey: isNonEmptyString, signature: isNonEmptyString },
  publish_prekeys: {
    reqId: optional(isString), dhKey: isNonEmptyString, dhKeySig: isNonEmptyString,
    signedPrekey: isSignedPrekey, oneTimePrekeys: arrayOf(isOneTimePrekey, 1000),
  },
  fetch_prekeys: { reqId: optional(isString), userId: isNonEmptyString },
  send: { id: isMessageId, to: isNonEmptyString, body: isNonEmptyString, fwd: optional(isInt) },
  // (from, id): ids are unique per sender only, so an id alone could name another sender's message
  ack: { acks: arrayOf(isAckRef, MAX_ACKS_PER_FRAME) },
  ping: { t: isNumber },
};

/** Parses and validates one client frame; never throws. */
export function decodeClientFrame(text: string): Decoded<ClientFrame> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: "bad_frame", message: "frame is not valid JSON" };
  }
  if (!isObject(value)) return { ok: false, code: "bad_frame", message: "frame is not a JSON object" };
  const type = value.type;
  if (typeof type !== "string") return { ok: false, code: "bad_frame", message: "frame has no string field 'type'" };
  if (!Object.prototype.hasOwnProperty.call(CLIENT_SCHEMAS, type)) {
    return { ok: false, code: "unknown_type", message: `unknown frame type '${type.slice(0, 40)}'; allowed: ${Object.keys(CLIENT_SCHEMAS).join(", ")}`, ref: refOf(value) };
  }
  if (type === "ack" && value.acks === undefined && value.ids !== undefined) {
    return { ok: false, code: "bad_frame", message: "ack: the 'ids' form is no longer accepted (it could remove another sender's message); send 'acks': [{from, id}]" };
  }
  const schema = CLIENT_SCHEMAS[type as ClientFrame["type"]];
  for (const [field, check] of Object.entries(schema)) {
    if (!check(value[field])) return { ok: false, code: "bad_frame", message: `${type}: field '${field}' is missing or has the wrong type`, ref: refOf(value) };
  }
  return { ok: true, frame: value as unknown as ClientFrame };
}

function refOf(value: Record<string, unknown>): FrameRef | undefined {
  const id = isMessageId(value.id) ? (value.id as string) : undefined;
  const reqId = typeof value.reqId === "string" && value.reqId.length <= MAX_MESSAGE_ID_LENGTH ? value.reqId : undefined;
  if (id === undefined && reqId === undefined) return undefined;
  return id === undefined ? { reqId } : reqId === undefined ? { id } : { id, reqId };
}

/** Parses a relay frame on the client side; returns null for anything that is not an object with a type. */
export function decodeRelayFrame(text: string): RelayFrame | null {
  try {
    const value = JSON.parse(text);
    return isObject(value) && typeof value.type === "string" ? (value as unknown as RelayFrame) : null;
  } catch {
    return null;
  }
}
