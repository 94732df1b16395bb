// End-to-end sessions of one local user: X3DH set-up through the relay's prekey directory, then
// per direction either a symmetric ratchet (crypto mode `full`: a new key for every message) or
// one key with counter ivs (mode `session`). Plaintext never leaves this module unencrypted.
import { counterIv, importAesKey, open, openWithKey, seal, sealWithKey } from "./aead.ts";
import { fromBase64, toBase64 } from "./bytes.ts";
import { aadFor, decodeEnvelope, encodeEnvelope, type Envelope } from "./envelope.ts";
import type { PrekeyBundle } from "./frames.ts";
import type { Identity } from "./identity.ts";
import type { PrekeyRing } from "./prekeys.ts";
import { nextSendingKey, receivingKey, staticSessionKey, type ReceivingChain, type SendingChain } from "./ratchet.ts";
import { initiate, respond, type InitHeader } from "./x3dh.ts";

export class DecryptError extends Error {}

/** How messages are sealed once a session exists; a receiver opens either, whatever its own mode. */
export type E2eMode = "full" | "session";

interface DirectionKey {
  raw: Uint8Array;
  imported: CryptoKey | null;
}

interface Session {
  sid: string;
  peer: string;
  send: SendingChain;
  recv: ReceivingChain;
  /** mode `session`: one key per direction, and the counter of the next sent message */
  sendKey: DirectionKey;
  recvKey: DirectionKey;
  sent: number;
  /** present while we initiated and the peer has not answered yet */
  init?: InitHeader;
  queue: Promise<unknown>;
}

export type BundleFetcher = (userId: string) => Promise<PrekeyBundle>;

export class SessionManager {
  private readonly sessions = new Map<string, Promise<Session>>();
  private readonly outgoing = new Map<string, Promise<Session>>();
  /** sessions already set up, by peer, reachable without waiting on a promise */
  private readonly established = new Map<string, Session>();

  constructor(
    readonly me: Identity,
    readonly ring: PrekeyRing,
    private readonly fetchBundle: BundleFetcher,
    private readonly mode: E2eMode = "full",
  ) {}

  hasSessionWith(peer: string): boolean {
    return this.outgoing.has(peer);
  }

  /** Sets up the session with `peer` (bundle fetch and key agreement) without sending anything. */
  async open(peer: string): Promise<void> {
    await this.outgoingSession(peer);
  }

  /** Encrypts `plaintext` for `peer` as message `messageId`; returns the relay `body`. */
  async encrypt(peer: string, messageId: string, plaintext: Uint8Array): Promise<string> {
    const session = this.established.get(peer) ?? (await this.outgoingSession(peer));
    let envelope: Envelope;
    if (this.mode === "session") {
      const n = session.sent++;
      const iv = counterIv(n);
      const ct = await sealWithKey(await imported(session.sendKey), iv, plaintext, aadFor(this.me.userId, peer, messageId, session.sid, n));
      envelope = { v: 1, sid: session.sid, n, iv: toBase64(iv), ct: toBase64(ct), km: "session" };
    } else {
      const { n, messageKey } = nextSendingKey(session.send);
      const { iv, ciphertext } = await seal(messageKey, plaintext, aadFor(this.me.userId, peer, messageId, session.sid, n));
      envelope = { v: 1, sid: session.sid, n, iv: toBase64(iv), ct: toBase64(ciphertext) };
    }
    if (session.init) envelope.init = session.init;
    return encodeEnvelope(envelope);
  }

  /** Decrypts a delivered `body`; throws DecryptError for anything forged, replayed (mode `full`) or unknown. */
  async decrypt(from: string, messageId: string, body: string): Promise<Uint8Array> {
    const envelope = decodeEnvelope(body);
    if (!envelope) throw new DecryptError(`message ${messageId} from ${from}: malformed envelope`);
    const session = await this.incomingSession(from, envelope);
    const aad = aadFor(from, this.me.userId, messageId, session.sid, envelope.n);
    const failed = () => new DecryptError(`message ${messageId} from ${from}: authentication failed (altered, misaddressed or wrong key)`);
    let plaintext: Uint8Array;
    if (envelope.km === "session") {
      plaintext = await openWithKey(await imported(session.recvKey), fromBase64(envelope.iv), fromBase64(envelope.ct), aad).catch((): never => {
        throw failed();
      });
    } else {
      plaintext = await serialize(session, async () => {
        let key;
        try {
          key = receivingKey(session.recv, envelope.n);
        } catch (e) {
          throw new DecryptError(`message ${messageId} from ${from}: ${(e as Error).message}`);
        }
        const opened = await open(key.messageKey, fromBase64(envelope.iv), fromBase64(envelope.ct), aad).catch((): never => {
          throw failed();
        });
        key.commit();
        return opened;
      });
    }
    delete session.init;
    if (!this.outgoing.has(from)) {
      this.outgoing.set(from, Promise.resolve(session));
      this.established.set(from, session);
    }
    return plaintext;
  }

  private outgoingSession(peer: string): Promise<Session> {
    let pending = this.outgoing.get(peer);
    if (!pending) {
      pending = this.fetchBundle(peer).then(async (bundle) => {
        const agreed = await initiate(this.me, bundle, peer);
        const session = newSession(agreed.sid, peer, agreed.chainToResponder, agreed.chainToInitiator, agreed.init);
        this.sessions.set(session.sid, Promise.resolve(session));
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
    const created = respond(this.me, this.ring, init, from).then((agreed) => {
      if (agreed.sid !== envelope.sid) throw new DecryptError(`session id mismatch from ${from}`);
      return newSession(agreed.sid, from, agreed.chainToInitiator, agreed.chainToResponder);
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
  return {
    sid, peer, send: { key: sendKey, n: 0 }, recv: { key: recvKey, n: 0, skipped: new Map() },
    sendKey: { raw: staticSessionKey(sendKey), imported: null }, recvKey: { raw: staticSessionKey(recvKey), imported: null }, sent: 0,
    queue: Promise.resolve(), ...(init ? { init } : {}),
  };
}

async function imported(key: DirectionKey): Promise<CryptoKey> {
  return key.imported ?? (key.imported = await importAesKey(key.raw));
}

/** Runs `task` after every earlier task of the same session, so chain state never races. */
function serialize<T>(session: Session, task: () => Promise<T>): Promise<T> {
  const run = session.queue.then(task, task);
  session.queue = run.catch(() => undefined);
  return run;
}
