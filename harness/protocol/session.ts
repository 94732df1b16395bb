// End-to-end sessions of one local user: X3DH set-up through the relay's prekey directory, then
// per direction either a symmetric ratchet (crypto mode `full`: a new key for every message) or
// one key with counter ivs (mode `session`). Plaintext never leaves this module unencrypted.
import { counterIv, importAesKey, IV_LENGTH, open, openWithKey, seal, sealWithKey } from "./aead.ts";
import { fromBase64, randomBytes, toBase64 } from "./bytes.ts";
import { aadFor, decodeEnvelope, encodeEnvelope, type Envelope } from "./envelope.ts";
import type { PrekeyBundle } from "./frames.ts";
import type { Identity } from "./identity.ts";
import type { PrekeyRing } from "./prekeys.ts";
import { nextSendingKey, receivingKey, staticSessionKey, type ReceivingChain, type SendingChain } from "./ratchet.ts";
import type { EarlierSessionJson } from "./earlier-session.ts";
import { initiate, respond, type InitHeader, type OneTimePrekeyUse } from "./x3dh.ts";

export class DecryptError extends Error {}

/** How messages are sealed once a session exists; a receiver opens either, whatever its own mode. */
export type E2eMode = "full" | "session";

// A session is flat, with nothing made before it is needed: a load generator holds one for
// every pair that wrote (100,000 for 10,000 users), and in k6 every object, Map and promise
// costs hundreds of bytes (4.6 kB per session with nested keys and promise wrappers, 2 kB flat).
interface Session {
  sid: string;
  peer: string;
  send: SendingChain;
  recv: ReceivingChain;
  /** mode `session`: each direction's one key derives from its first chain key; imported when first used */
  firstSend: Uint8Array;
  firstRecv: Uint8Array;
  sendAes: CryptoKey | null;
  recvAes: CryptoKey | null;
  /** mode `session`: the counter of the next sent message */
  sent: number;
  /** present while we initiated and the peer has not answered yet */
  init?: InitHeader;
  /** mode `full`'s receiving chain: the last decrypt queued (null before the first), and how many have not settled */
  queue: Promise<unknown> | null;
  pending: number;
}

export type BundleFetcher = (userId: string) => Promise<PrekeyBundle>;

/**
 * How this user's one-time prekeys are handed out. Absent: by the server, each once (the relay), so
 * a second use is refused. `graceMs`: peers pick from a published bundle (XMPP's PEP), so two may
 * pick the same; a consumed one is kept that long (takeOneTimePrekey). `used`: told of every use.
 */
export interface OneTimePrekeyPolicy { graceMs: number; used(use: OneTimePrekeyUse, peer: string): void }

export class SessionManager {
  /** key agreements through the relay's prekey directory, under way or done: ours by peer, both sides' by session id */
  private readonly outgoing = new Map<string, Promise<Session>>();
  private readonly sessions = new Map<string, Promise<Session>>();
  /** sessions set up, by peer and by session id */
  private readonly established = new Map<string, Session>();
  private readonly bySid = new Map<string, Session>();
  /** sessions agreed before the run and not used yet: "sid send recv" by peer (a string, not an object), the peer by sid */
  private readonly earlierByPeer = new Map<string, string>();
  private readonly earlierPeerBySid = new Map<string, string>();

  constructor(
    readonly me: Identity,
    /** a ring, or where to get it when a peer's key agreement first needs it */
    private readonly ring: PrekeyRing | (() => Promise<PrekeyRing>),
    private readonly fetchBundle: BundleFetcher,
    private readonly mode: E2eMode = "full",
    private readonly oneTimePrekeys?: OneTimePrekeyPolicy,
  ) {}

  hasSessionWith(peer: string): boolean {
    return this.established.has(peer) || this.outgoing.has(peer) || this.earlierByPeer.has(peer);
  }

  /**
   * Holds a session agreed before the run with `peer` (no key agreement through the relay); its
   * chain keys are derived when it is first used, so signing in costs no key derivation.
   */
  resume(peer: string, earlier: EarlierSessionJson): void {
    this.earlierByPeer.set(peer, `${earlier.sid} ${earlier.send} ${earlier.recv}`);
    this.earlierPeerBySid.set(earlier.sid, peer);
  }

  /** The earlier session with `peer`, set up now (null when there is none). */
  private takeUpEarlier(peer: string): Session | null {
    const held = this.earlierByPeer.get(peer);
    if (held === undefined) return null;
    const [sid, send, recv] = held.split(" ");
    this.earlierByPeer.delete(peer);
    this.earlierPeerBySid.delete(sid);
    const session = newSession(sid, peer, fromBase64(send), fromBase64(recv));
    this.bySid.set(sid, session);
    this.established.set(peer, session);
    return session;
  }

  /** Sets up the session with `peer` (bundle fetch and key agreement) without sending anything. */
  async open(peer: string): Promise<void> {
    await this.outgoingSession(peer);
  }

  // The per-message paths below are plain promise chains, not async functions: in k6's
  // interpreter an async function costs a generator and extra promise jobs on every call.

  /** Encrypts `plaintext` for `peer` as message `messageId`; returns the relay `body`. */
  encrypt(peer: string, messageId: string, plaintext: Uint8Array): Promise<string> {
    const session = this.established.get(peer) ?? this.takeUpEarlier(peer);
    if (session) return this.sealFor(session, messageId, plaintext);
    return this.outgoingSession(peer).then((s) => this.sealFor(s, messageId, plaintext));
  }

  /** Decrypts a delivered `body`; rejects with DecryptError for anything forged, replayed (mode `full`) or unknown. */
  decrypt(from: string, messageId: string, body: string): Promise<Uint8Array> {
    const envelope = decodeEnvelope(body);
    if (!envelope) return Promise.reject(new DecryptError(`message ${messageId} from ${from}: malformed envelope`));
    const earlierPeer = this.earlierPeerBySid.get(envelope.sid);
    const session = earlierPeer === undefined ? this.bySid.get(envelope.sid) : this.takeUpEarlier(earlierPeer);
    if (session) return this.openFrom(session, from, messageId, envelope);
    return this.incomingSession(from, envelope).then((s) => this.openFrom(s, from, messageId, envelope));
  }

  private sealFor(session: Session, messageId: string, plaintext: Uint8Array): Promise<string> {
    let n: number;
    let iv: Uint8Array;
    let sealed: Promise<ArrayBuffer>;
    if (this.mode === "session") {
      n = session.sent++;
      iv = counterIv(n);
      const aad = aadFor(this.me.userId, session.peer, messageId, session.sid, n);
      sealed = withSessionKey(session, "send", (key) => sealWithKey(key, iv, plaintext, aad));
    } else {
      const next = nextSendingKey(session.send);
      n = next.n;
      iv = randomBytes(IV_LENGTH);
      sealed = seal(next.messageKey, iv, plaintext, aadFor(this.me.userId, session.peer, messageId, session.sid, n));
    }
    return sealed.then((ct) => {
      const envelope: Envelope = { v: 1, sid: session.sid, n, iv: toBase64(iv), ct: toBase64(new Uint8Array(ct)) };
      if (this.mode === "session") envelope.km = "session";
      if (session.init) envelope.init = session.init;
      return encodeEnvelope(envelope);
    });
  }

  private openFrom(session: Session, from: string, messageId: string, envelope: Envelope): Promise<Uint8Array> {
    if (session.peer !== from) return Promise.reject(new DecryptError(`session ${envelope.sid} does not belong to ${from}`));
    const failed = () => new DecryptError(`message ${messageId} from ${from}: authentication failed (altered, misaddressed or wrong key)`);
    const refused = (): never => {
      throw failed();
    };
    let iv: Uint8Array;
    let ct: Uint8Array;
    try {
      iv = fromBase64(envelope.iv);
      ct = fromBase64(envelope.ct);
    } catch {
      return Promise.reject(failed());
    }
    const aad = aadFor(from, this.me.userId, messageId, session.sid, envelope.n);
    const opened = (plaintext: ArrayBuffer): Uint8Array => {
      delete session.init;
      if (!this.established.has(from) && !this.outgoing.has(from)) this.established.set(from, session);
      return new Uint8Array(plaintext);
    };
    if (envelope.km === "session") {
      return withSessionKey(session, "recv", (key) => openWithKey(key, iv, ct, aad)).then(opened, refused);
    }
    return serialize(session, () => {
      let key: ReturnType<typeof receivingKey>;
      try {
        key = receivingKey(session.recv, envelope.n);
      } catch (e) {
        return Promise.reject(new DecryptError(`message ${messageId} from ${from}: ${(e as Error).message}`));
      }
      return open(key.messageKey, iv, ct, aad).then((plaintext) => {
        key.commit();
        return opened(plaintext);
      }, refused);
    });
  }

  private outgoingSession(peer: string): Promise<Session> {
    let pending = this.outgoing.get(peer);
    if (!pending) {
      pending = this.fetchBundle(peer).then(async (bundle) => {
        const agreed = await initiate(this.me, bundle, peer);
        const session = newSession(agreed.sid, peer, agreed.chainToResponder, agreed.chainToInitiator, agreed.init);
        this.sessions.set(session.sid, Promise.resolve(session));
        this.bySid.set(session.sid, session);
        this.established.set(peer, session);
        return session;
      });
      pending.catch(() => this.outgoing.delete(peer));
      this.outgoing.set(peer, pending);
    }
    return pending;
  }

  private async incomingSession(from: string, envelope: Envelope): Promise<Session> {
    const known = this.sessions.get(envelope.sid);
    if (known) {
      const session = await known;
      if (session.peer !== from) throw new DecryptError(`session ${envelope.sid} does not belong to ${from}`);
      return session;
    }
    if (!envelope.init) throw new DecryptError(`unknown session ${envelope.sid} from ${from} and no init header`);
    const init = envelope.init;
    const ring = Promise.resolve(typeof this.ring === "function" ? this.ring() : this.ring);
    const created = ring.then((r) => respond(this.me, r, init, from, this.oneTimePrekeys?.graceMs ?? 0)).then((agreed) => {
      if (agreed.sid !== envelope.sid) throw new DecryptError(`session id mismatch from ${from}`);
      if (agreed.oneTime) this.oneTimePrekeys?.used(agreed.oneTime, from);
      const session = newSession(agreed.sid, from, agreed.chainToInitiator, agreed.chainToResponder);
      this.bySid.set(session.sid, session);
      return session;
    });
    this.sessions.set(envelope.sid, created);
    created.catch(() => this.sessions.delete(envelope.sid));
    try {
      return await created;
    } catch (e) {
      throw e instanceof DecryptError ? e : new DecryptError(`session set-up from ${from} failed: ${(e as Error).message}`);
    }
  }
}

function newSession(sid: string, peer: string, sendKey: Uint8Array, recvKey: Uint8Array, init?: InitHeader): Session {
  const session: Session = {
    sid, peer, send: { key: sendKey, n: 0 }, recv: { key: recvKey, n: 0, skipped: null },
    firstSend: sendKey, firstRecv: recvKey, sendAes: null, recvAes: null, sent: 0, queue: null, pending: 0,
  };
  if (init) session.init = init;
  return session;
}

/** Runs `use` with mode `session`'s key of one direction: at once when it is imported, after importing it the first time. */
function withSessionKey<T>(session: Session, direction: "send" | "recv", use: (key: CryptoKey) => Promise<T>): Promise<T> {
  const imported = direction === "send" ? session.sendAes : session.recvAes;
  if (imported) return use(imported);
  return importAesKey(staticSessionKey(direction === "send" ? session.firstSend : session.firstRecv)).then((key) => {
    if (direction === "send") session.sendAes = key;
    else session.recvAes = key;
    return use(key);
  });
}

/** Runs `task` after every earlier task of the same session (at once when none is pending), so chain state never races. */
function serialize<T>(session: Session, task: () => Promise<T>): Promise<T> {
  const run = session.pending === 0 || !session.queue ? task() : session.queue.then(task, task);
  session.pending++;
  const settled = () => {
    session.pending--;
  };
  session.queue = run.then(settled, settled);
  return run;
}
