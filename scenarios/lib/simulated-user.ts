// One simulated person: logs in, publishes prekeys, writes E2E-encrypted messages to contacts,
// keeps an outbox of unacknowledged messages (resent after every reconnect), and drops duplicates.
import { fromUtf8, toBase64, utf8 } from "../../harness/protocol/bytes.ts";
import { authChallengeBytes } from "../../harness/protocol/auth.ts";
import { encodeFrame, type PrekeyBundle, type RelayFrame } from "../../harness/protocol/frames.ts";
import { importIdentity, type Identity } from "../../harness/protocol/identity.ts";
import { importPrekeyRing, publishFields, type PrekeyRing } from "../../harness/protocol/prekeys.ts";
import { SessionManager } from "../../harness/protocol/session.ts";
import { sign } from "../../harness/protocol/signatures.ts";
import { clientMetrics } from "./client-metrics.ts";
import { recordEvent } from "./client-events.ts";
import type { Endpoint } from "./endpoints.ts";
import type { PopulationMember } from "./population.ts";
import { RelayLink, type LinkOptions } from "./relay-link.ts";

interface OutboxEntry { to: number; toId: string; body: string; fwd?: number; fanoutIndex?: number }

/** What a message says once decrypted (the canary proves no one in the middle could read it). */
export interface MessageContent {
  canary: string;
  sentAt: number;
  pad: string;
  /** a chain letter: which chain, and how many forwards from its origin */
  chain?: { id: string; hop: number };
}

export interface ComposeOptions {
  /** label carried into the records, e.g. "chat" or "chain" */
  tag?: string;
  chain?: MessageContent["chain"];
  /** this message is one of `fwd` forwards of the same content (the relay's forward cap applies) */
  fwd?: number;
  /** its place among those forwards (0-based): within a cap it is sent again, beyond it dropped */
  fanoutIndex?: number;
}
interface PendingFetch { userId: string; resolve: (b: PrekeyBundle) => void }

export interface UserContext {
  runId: string;
  link: LinkOptions;
  /** userId -> population index, to name senders in records */
  indexOf: Map<string, number>;
  userIdOf: (index: number) => string;
  /** bytes of padding added to every plaintext */
  paddingBytes: number;
  /** called with every message that decrypts (not with duplicates) */
  onMessage?: (user: SimulatedUser, from: number, content: MessageContent) => void;
}

export class SimulatedUser {
  readonly outbox = new Map<string, OutboxEntry>();
  readonly counts = { sent: 0, acked: 0, delivered: 0 };
  /** the relay's forward cap, once a forward was refused for exceeding it */
  forwardCap: number | null = null;
  private readonly seen = new Set<string>();
  private readonly fetches = new Map<string, PendingFetch>();
  private readonly link: RelayLink;
  private readonly sessions: SessionManager;
  private seq = 0;
  private fetchSeq = 0;
  private published = false;

  static async create(member: PopulationMember, ctx: UserContext): Promise<SimulatedUser> {
    return new SimulatedUser(member, ctx, await importIdentity(member.identity), await importPrekeyRing(member.prekeys));
  }

  private constructor(readonly member: PopulationMember, private readonly ctx: UserContext, private readonly identity: Identity, private readonly ring: PrekeyRing) {
    this.sessions = new SessionManager(identity, ring, (userId) => this.fetchBundle(userId));
    this.link = new RelayLink(ctx.link, {
      authFrame: async (nonce) => encodeFrame({ type: "auth", v: 1, signingKey: toBase64(identity.signingPublic), signature: toBase64(await sign(identity.signingKey, authChallengeBytes(nonce))) }),
      onReady: (endpoint) => this.onReady(endpoint),
      onFrame: (frame) => this.onFrame(frame),
      onConnectionEvent: (e) => {
        if (e.kind === "failover") clientMetrics.failovers.add(1);
        if (e.kind === "failed") clientMetrics.connectionFailures.add(1);
        if (e.kind === "dropped") clientMetrics.reconnects.add(1);
        recordEvent({ ev: "conn", user: member.index, kind: e.kind, ep: e.endpoint, t: Date.now(), ...(e.reason ? { reason: e.reason } : {}), ...(e.delayMs !== undefined ? { delayMs: e.delayMs } : {}) });
      },
    });
  }

  get connected(): boolean {
    return this.link.isReady;
  }

  start(): void {
    this.link.start();
  }

  stop(): void {
    this.link.stop();
  }

  /** Writes one message to contact `to` (a population index). */
  async compose(to: number, options: ComposeOptions = {}): Promise<void> {
    const seq = ++this.seq;
    const id = `${this.member.index}.${seq}`;
    const toId = this.ctx.userIdOf(to);
    const sentAt = Date.now();
    const content: MessageContent = { canary: `CANARY-${this.ctx.runId}-${id}`, sentAt, pad: "x".repeat(this.ctx.paddingBytes), ...(options.chain ? { chain: options.chain } : {}) };
    const plaintext = JSON.stringify(content);
    let body: string;
    try {
      body = await this.sessions.encrypt(toId, id, utf8(plaintext));
    } catch (e) {
      recordEvent({ ev: "compose_failed", from: this.member.index, to, t: Date.now(), reason: String(e) });
      return;
    }
    this.outbox.set(id, { to, toId, body, ...(options.fwd ? { fwd: options.fwd, fanoutIndex: options.fanoutIndex ?? 0 } : {}) });
    this.counts.sent++;
    clientMetrics.messagesSent.add(1);
    recordEvent({ ev: "sent", id, from: this.member.index, to, seq, t: sentAt, ep: this.link.endpoint.name, ...(options.tag ? { tag: options.tag } : {}) });
    this.transmit(id);
  }

  private transmit(id: string): boolean {
    const entry = this.outbox.get(id);
    return !!entry && this.link.send(encodeFrame({ type: "send", id, to: entry.toId, body: entry.body, ...(entry.fwd ? { fwd: entry.fwd } : {}) }));
  }

  private onReady(endpoint: Endpoint): void {
    recordEvent({ ev: "conn", user: this.member.index, kind: "ready", ep: endpoint.name, t: Date.now() });
    if (!this.published) this.link.send(encodeFrame({ type: "publish_prekeys", reqId: "publish", ...publishFields(this.identity, this.ring) }));
    for (const [reqId, fetch] of this.fetches) this.link.send(encodeFrame({ type: "fetch_prekeys", reqId, userId: fetch.userId }));
    for (const id of this.outbox.keys()) {
      if (this.transmit(id)) recordEvent({ ev: "resent", id, t: Date.now(), ep: endpoint.name });
    }
  }

  private onFrame(frame: RelayFrame): void {
    switch (frame.type) {
      case "sent":
        return this.onSent(frame.id);
      case "deliver":
        void this.onDeliver(frame);
        return;
      case "prekeys_ok":
        this.published = true;
        return;
      case "prekey_bundle": {
        const fetch = frame.reqId ? this.fetches.get(frame.reqId) : undefined;
        if (fetch && frame.reqId) {
          this.fetches.delete(frame.reqId);
          fetch.resolve(frame);
        }
        return;
      }
      case "error":
        return this.onError(frame);
      default:
        return;
    }
  }

  private onSent(id: string): void {
    if (!this.outbox.delete(id)) return;
    this.counts.acked++;
    clientMetrics.messagesAcked.add(1);
    recordEvent({ ev: "acked", id, t: Date.now(), ep: this.link.endpoint.name });
  }

  private async onDeliver(frame: Extract<RelayFrame, { type: "deliver" }>): Promise<void> {
    const key = `${frame.from}/${frame.id}`;
    const from = this.ctx.indexOf.get(frame.from) ?? -1;
    const ack = () => this.link.send(encodeFrame({ type: "ack", ids: [frame.id] }));
    if (this.seen.has(key)) {
      clientMetrics.duplicatesDropped.add(1);
      recordEvent({ ev: "delivered", id: frame.id, from, to: this.member.index, t: Date.now(), sentAt: 0, dup: true, ep: this.link.endpoint.name });
      ack();
      return;
    }
    this.seen.add(key);
    try {
      const plaintext = JSON.parse(fromUtf8(await this.sessions.decrypt(frame.from, frame.id, frame.body))) as MessageContent;
      const now = Date.now();
      this.counts.delivered++;
      clientMetrics.messagesDelivered.add(1);
      clientMetrics.deliveryLatency.add(now - plaintext.sentAt);
      recordEvent({ ev: "delivered", id: frame.id, from, to: this.member.index, t: now, sentAt: plaintext.sentAt, dup: false, ep: this.link.endpoint.name });
      this.ctx.onMessage?.(this, from, plaintext);
    } catch (e) {
      clientMetrics.decryptFailures.add(1);
      recordEvent({ ev: "decrypt_failed", id: frame.id, from: frame.from, to: this.member.index, t: Date.now(), reason: String(e) });
    }
    ack();
  }

  private onError(frame: Extract<RelayFrame, { type: "error" }>): void {
    if (frame.code === "no_prekeys" && frame.reqId && this.fetches.has(frame.reqId)) {
      const reqId = frame.reqId;
      setTimeout(() => this.link.send(encodeFrame({ type: "fetch_prekeys", reqId, userId: this.fetches.get(reqId)!.userId })), 1000);
      return;
    }
    if (!frame.id || !this.outbox.has(frame.id)) return;
    const id = frame.id;
    if (frame.code === "rate_limited" || frame.code === "store_failed") {
      setTimeout(() => this.transmit(id), frame.retryAfterMs ?? 500);
      return;
    }
    const entry = this.outbox.get(id)!;
    if (frame.code === "too_many_recipients" && frame.limit !== undefined) {
      this.forwardCap = frame.limit;
      if ((entry.fanoutIndex ?? 0) < frame.limit) {
        entry.fwd = frame.limit;
        this.transmit(id);
        return;
      }
    }
    this.outbox.delete(id);
    recordEvent({ ev: "send_rejected", id, t: Date.now(), code: frame.code });
  }

  private fetchBundle(userId: string): Promise<PrekeyBundle> {
    const reqId = `f${++this.fetchSeq}`;
    return new Promise((resolve) => {
      this.fetches.set(reqId, { userId, resolve });
      this.link.send(encodeFrame({ type: "fetch_prekeys", reqId, userId }));
    });
  }
}
