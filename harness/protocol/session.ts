// End-to-end sessions of one local user: X3DH set-up through the relay's prekey directory,
// then one symmetric ratchet per direction. Plaintext never leaves this module unencrypted.
import { aadFor, decodeEnvelope, encodeEnvelope, type Envelope } from "./envelope.ts";
import { fromBase64, toBase64 } from "./bytes.ts";
import { open, seal } from "./aead.ts";
import type { PrekeyBundle } from "./frames.ts";
import type { Identity } from "./identity.ts";
import type { PrekeyRing } from "./prekeys.ts";
import { nextSendingKey, receivingKey, type ReceivingChain, type SendingChain } from "./ratchet.ts";
import { initiate, respond, type InitHeader } from "./x3dh.ts";

export class DecryptError extends Error {}

interface Session {
  sid: string;
  peer: string;
  send: SendingChain;
  recv: ReceivingChain;
  /** present while we initiated and the peer has not answered yet */
  init?: InitHeader;
  queue: Promise<unknown>;
}

export type BundleFetcher = (userId: string) => Promise<PrekeyBundle>;

export class SessionManager {
  private readonly sessions = new Map<string, Promise<Session>>();
  private readonly outgoing = new Map<string, Promise<Session>>();

  constructor(
    readonly me: Identity,
    readonly ring: PrekeyRing,
    private readonly fetchBundle: BundleFetcher,
  ) {}

  hasSessionWith(peer: string): boolean {
    return this.outgoing.has(peer);
  }

  /** Encrypts `plaintext` for `peer` as message `messageId`; returns the relay `body`. */
  async encrypt(peer: string, messageId: string, plaintext: Uint8Array): Promise<string> {
    const session = await this.outgoingSession(peer);
    return serialize(session, async () => {
      const { n, messageKey } = await nextSendingKey(session.send);
      const { iv, ciphertext } = await seal(messageKey, plaintext, aadFor(this.me.userId, peer, messageId, session.sid, n));
      const envelope: Envelope = { v: 1, sid: session.sid, n, iv: toBase64(iv), ct: toBase64(ciphertext), ...(session.init ? { init: session.init } : {}) };
      return encodeEnvelope(envelope);
    });
  }

  /** Decrypts a delivered `body`; throws DecryptError for anything forged, replayed or unknown. */
  async decrypt(from: string, messageId: string, body: string): Promise<Uint8Array> {
    const envelope = decodeEnvelope(body);
    if (!envelope) throw new DecryptError(`message ${messageId} from ${from}: malformed envelope`);
    const session = await this.incomingSession(from, envelope);
    return serialize(session, async () => {
      let key;
      try {
        key = await receivingKey(session.recv, envelope.n);
      } catch (e) {
        throw new DecryptError(`message ${messageId} from ${from}: ${(e as Error).message}`);
      }
      let plaintext: Uint8Array;
      try {
        plaintext = await open(key.messageKey, fromBase64(envelope.iv), fromBase64(envelope.ct), aadFor(from, this.me.userId, messageId, session.sid, envelope.n));
      } catch {
        throw new DecryptError(`message ${messageId} from ${from}: authentication failed (altered, misaddressed or wrong key)`);
      }
      key.commit();
      delete session.init;
      if (!this.outgoing.has(from)) this.outgoing.set(from, Promise.resolve(session));
      return plaintext;
    });
  }

  private outgoingSession(peer: string): Promise<Session> {
    let pending = this.outgoing.get(peer);
    if (!pending) {
      pending = this.fetchBundle(peer).then(async (bundle) => {
        const agreed = await initiate(this.me, bundle, peer);
        const session = newSession(agreed.sid, peer, agreed.chainToResponder, agreed.chainToInitiator, agreed.init);
        this.sessions.set(session.sid, Promise.resolve(session));
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
  return { sid, peer, send: { key: sendKey, n: 0 }, recv: { key: recvKey, n: 0, skipped: new Map() }, queue: Promise.resolve(), ...(init ? { init } : {}) };
}

/** Runs `task` after every earlier task of the same session, so chain state never races. */
function serialize<T>(session: Session, task: () => Promise<T>): Promise<T> {
  const run = session.queue.then(task, task);
  session.queue = run.catch(() => undefined);
  return run;
}
