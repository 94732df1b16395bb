// One simulated person: logs in, publishes prekeys, writes messages to contacts (E2E-encrypted,
// or opaque bytes in crypto mode `opaque`), keeps an outbox of unacknowledged messages (resent
// after every reconnect), and drops duplicates (recording a digest of every copy's body, so an
// altered copy is seen even when it is dropped). It talks to the server through a driver
// (drivers/), so the same person runs against every server the harness supports.
import { fromBase64, fromUtf8, toBase64, utf8 } from "../../harness/protocol/bytes.ts";
import type { AckRef, PrekeyBundle } from "../../harness/protocol/frames.ts";
import { importIdentity, type Identity } from "../../harness/protocol/identity.ts";
import { PrekeyRingOnDemand, publishFields } from "../../harness/protocol/prekeys.ts";
import { SessionManager } from "../../harness/protocol/session.ts";
import { count, deliveryLatency } from "./client-metrics.ts";
import { bodyDigest } from "./body-digest.ts";
import { recordEvent } from "./client-events.ts";
import { endpointsForUser, type Endpoint } from "./endpoints.ts";
import { InArrivalOrder } from "./in-arrival-order.ts";
import { opaqueBody, sentAtOfOpaqueBody } from "./opaque-body.ts";
import type { PopulationMember } from "./population.ts";
import { connectDriver, type DriverWiring } from "./drivers/connect-driver.ts";
import { clientPickedOneTimePrekeys } from "./surge/one-time-prekey-use.ts";
import type { Delivery, Refusal, ServerDriver } from "./drivers/server-driver.ts";
import type { LinkOptions } from "./server-link.ts";
import { canaryFor, type CryptoMode } from "./scenario-settings.ts";

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
/** What a simulated user keeps of its population member (not its private keys' JSON). */
export type UserInfo = Pick<PopulationMember, "index" | "userId" | "contacts">;

interface PendingFetch { userId: string; resolve: (b: PrekeyBundle) => void }

/** What the users of one VU share: the VU's delivered count, and who has acks to send. */
export interface VuState {
  delivered: number;
  acking: SimulatedUser[];
}

export interface UserContext {
  vu: VuState;
  runId: string;
  cryptoMode: CryptoMode;
  link: LinkOptions;
  /** which server protocol, and what its driver needs */
  driver: DriverWiring;
  /** how many of link.endpoints are the service's own addresses */
  directEndpoints: number;
  /** every N-th user starts at a volunteer proxy (0: none) */
  proxyEvery: number;
  /** userId -> population index, to name senders in records */
  indexOf: Map<string, number>;
  /** population index -> userId */
  userIds: string[];
  /** bytes of padding added to every plaintext */
  paddingBytes: number;
  /** called with every message that decrypts (not with duplicates; not in mode `opaque`) */
  onMessage?: (user: SimulatedUser, from: number, content: MessageContent) => void;
}

export class SimulatedUser {
  readonly outbox = new Map<string, OutboxEntry>();
  readonly counts = { sent: 0, acked: 0, delivered: 0 };
  /** the relay's forward cap, once a forward was refused for exceeding it */
  forwardCap: number | null = null;
  private readonly seen = new Set<string>();
  /** deliveries being decrypted, shown in the order they arrived */
  private readonly showing = new InArrivalOrder();
  /** deliveries handled since the last tick, acknowledged together in one frame */
  private acks: AckRef[] = [];
  private readonly fetches = new Map<string, PendingFetch>();
  /** the connection to the server: callers start, stop and keep it alive, and ask it isReady */
  readonly driver: ServerDriver;
  private readonly sessions: SessionManager | null;
  private readonly pad: string;
  private seq = 0;
  private fetchSeq = 0;
  private published = false;
  private greeted = false;
  /** mode `opaque`: the plaintext length an encrypted message would have (measured once) */
  private opaquePlaintextLength: number | null = null;

  /** Imports the member's identity (its prekey ring stays text until a key agreement needs it); the member's JSON is not kept. */
  static async create(member: PopulationMember, ctx: UserContext): Promise<SimulatedUser> {
    const identity = await importIdentity(member.identity);
    const ring = ctx.cryptoMode === "opaque" ? null : new PrekeyRingOnDemand(member.prekeys);
    const user = new SimulatedUser({ index: member.index, userId: member.userId, contacts: member.contacts }, ctx, identity, ring);
    for (const earlier of member.sessions) user.sessions?.resume(ctx.userIds[earlier.peer], earlier);
    return user;
  }

  private constructor(readonly member: UserInfo, private readonly ctx: UserContext, private readonly identity: Identity, private readonly ring: PrekeyRingOnDemand | null) {
    this.pad = "x".repeat(ctx.paddingBytes);
    this.driver = connectDriver(ctx.driver, { ...ctx.link, endpoints: endpointsForUser(ctx.link.endpoints, ctx.directEndpoints, member.index, ctx.proxyEvery) }, identity, {
      ready: (endpoint) => this.onReady(endpoint),
      accepted: (id) => this.onSent(id),
      delivered: (delivery) => this.onDeliver(delivery),
      prekeysPublished: () => (this.published = true),
      bundle: (reqId, bundle) => this.onBundle(reqId, bundle),
      refused: (refusal) => this.onRefused(refusal),
      connection: (e) => {
        if (e.kind === "failover") count("failovers");
        if (e.kind === "failed") count("connectionFailures");
        if (e.kind === "dropped") count("reconnects");
        recordEvent({ ev: "conn", user: member.index, kind: e.kind, ep: e.endpoint, t: Date.now(), ...(e.reason ? { reason: e.reason } : {}), ...(e.delayMs !== undefined ? { delayMs: e.delayMs } : {}) });
      },
    });
    this.sessions = ring && ctx.cryptoMode !== "opaque" ? new SessionManager(identity, () => ring.use(), (userId) => this.fetchBundle(userId), ctx.cryptoMode, clientPickedOneTimePrekeys(this.driver, member.index)) : null;
  }

  /** Writes one message to contact `to` (a population index). */
  compose(to: number, options: ComposeOptions = {}): void {
    const seq = ++this.seq;
    const id = `${this.member.index}.${seq}`;
    const toId = this.ctx.userIds[to];
    const sentAt = Date.now();
    const queue = (body: string) => {
      const entry: OutboxEntry = { to, toId, body };
      if (options.fwd) {
        entry.fwd = options.fwd;
        entry.fanoutIndex = options.fanoutIndex ?? 0;
      }
      this.outbox.set(id, entry);
      this.counts.sent++;
      count("messagesSent");
      recordEvent({ ev: "sent", id, from: this.member.index, to, seq, t: sentAt, ep: this.driver.endpoint.name, tag: options.tag });
      this.transmit(id);
    };
    const content: MessageContent = { canary: canaryFor(this.ctx.runId, id), sentAt, pad: this.pad };
    if (options.chain) content.chain = options.chain;
    if (!this.sessions) return queue(opaqueBody(sentAt, this.opaquePlaintextLength ??= JSON.stringify(content).length));
    this.sessions.encrypt(toId, id, utf8(JSON.stringify(content))).then(queue, (e) => {
      recordEvent({ ev: "compose_failed", from: this.member.index, to, t: Date.now(), reason: String(e) });
    });
  }

  /** Acknowledges the deliveries handled since the last call (the server forgets them then). */
  flushAcks(): void {
    if (this.acks.length === 0) return;
    const taken = this.driver.acknowledge(this.acks);
    if (taken > 0) this.acks = this.acks.slice(taken);
    // not sent (offline) or more than one frame's worth: again at the next tick
    if (this.acks.length > 0) this.ctx.vu.acking.push(this);
  }

  private transmit(id: string): boolean {
    const entry = this.outbox.get(id);
    return !!entry && this.driver.send(id, entry.toId, entry.body, entry.fwd);
  }

  private onReady(endpoint: Endpoint): void {
    recordEvent({ ev: "conn", user: this.member.index, kind: "ready", ep: endpoint.name, t: Date.now() });
    // mode `opaque` has no sessions, so nobody needs its prekeys
    if (!this.published && this.ring) this.ring.current().then((ring) => this.driver.publishPrekeys({ signingKey: toBase64(this.identity.signingPublic), ...publishFields(this.identity, ring) }));
    if (!this.greeted) this.greetContacts();
    for (const [reqId, fetch] of this.fetches) this.driver.fetchPrekeys(reqId, fetch.userId);
    for (const id of this.outbox.keys()) {
      if (this.transmit(id)) recordEvent({ ev: "resent", id, t: Date.now(), ep: endpoint.name });
    }
  }

  /**
   * Key agreement during warm-up, rather than with the first measured message, with every contact
   * that has no earlier session (none in a generated population): the session is opened now, and a
   * first message (tag "hello") sets it up on the contact's side.
   */
  private greetContacts(): void {
    this.greeted = true;
    const sessions = this.sessions;
    if (!sessions) return;
    for (const contact of this.member.contacts) {
      const peer = this.ctx.userIds[contact];
      if (!sessions.hasSessionWith(peer)) sessions.open(peer).then(() => this.compose(contact, { tag: "hello" }), () => undefined);
    }
  }

  private onBundle(reqId: string, bundle: PrekeyBundle): void {
    const fetch = this.fetches.get(reqId);
    if (!fetch) return;
    this.fetches.delete(reqId);
    fetch.resolve(bundle);
  }

  private onSent(id: string): void {
    if (!this.outbox.delete(id)) return;
    this.counts.acked++;
    count("messagesAcked");
    recordEvent({ ev: "acked", id, t: Date.now(), ep: this.driver.endpoint.name });
  }

  private onDeliver(frame: Delivery): void {
    const key = `${frame.from}/${frame.id}`;
    const from = this.ctx.indexOf.get(frame.from) ?? -1;
    const digest = bodyDigest(frame.body);
    const ack = () => {
      if (this.acks.length === 0) this.ctx.vu.acking.push(this);
      this.acks.push({ from: frame.from, id: frame.id });
    };
    if (this.seen.has(key)) {
      count("duplicatesDropped");
      recordEvent({ ev: "delivered", id: frame.id, from, to: this.member.index, t: Date.now(), sentAt: 0, dup: true, ep: this.driver.endpoint.name, digest });
      ack();
      return;
    }
    this.seen.add(key);
    const delivered = (sentAt: number, content: MessageContent | null) => {
      const now = Date.now();
      this.counts.delivered++;
      this.ctx.vu.delivered++;
      count("messagesDelivered");
      deliveryLatency.add(now - sentAt);
      recordEvent({ ev: "delivered", id: frame.id, from, to: this.member.index, t: now, sentAt, dup: false, ep: this.driver.endpoint.name, digest });
      if (content) this.ctx.onMessage?.(this, from, content);
      ack();
    };
    if (!this.sessions) return delivered(sentAtOfOpaqueBody(fromBase64(frame.body)), null);
    // decrypts run side by side, but messages are shown in the order they arrived (as an app does)
    this.showing.add(
      this.sessions.decrypt(frame.from, frame.id, frame.body),
      (plaintext) => {
        const content = JSON.parse(fromUtf8(plaintext)) as MessageContent;
        delivered(content.sentAt, content);
      },
      (e) => {
        count("decryptFailures");
        recordEvent({ ev: "decrypt_failed", id: frame.id, from: frame.from, to: this.member.index, t: Date.now(), reason: String(e) });
        ack();
      },
    );
  }

  private onRefused(refusal: Refusal): void {
    if (refusal.reqId && this.fetches.has(refusal.reqId) && refusal.retryAfterMs !== undefined) {
      const reqId = refusal.reqId;
      setTimeout(() => {
        const fetch = this.fetches.get(reqId);
        if (fetch) this.driver.fetchPrekeys(reqId, fetch.userId);
      }, refusal.retryAfterMs);
      return;
    }
    if (!refusal.id || !this.outbox.has(refusal.id)) return;
    const id = refusal.id;
    if (refusal.retryAfterMs !== undefined) {
      setTimeout(() => this.transmit(id), refusal.retryAfterMs);
      return;
    }
    const entry = this.outbox.get(id)!;
    if (refusal.code === "too_many_recipients" && refusal.limit !== undefined) {
      this.forwardCap = refusal.limit;
      if ((entry.fanoutIndex ?? 0) < refusal.limit) {
        entry.fwd = refusal.limit;
        this.transmit(id);
        return;
      }
    }
    this.outbox.delete(id);
    recordEvent({ ev: "send_rejected", id, t: Date.now(), code: refusal.code });
  }

  private fetchBundle(userId: string): Promise<PrekeyBundle> {
    const reqId = `f${++this.fetchSeq}`;
    return new Promise((resolve) => {
      this.fetches.set(reqId, { userId, resolve });
      this.driver.fetchPrekeys(reqId, userId);
    });
  }
}
