// One newcomer of the surge: generates its identity key (WebCrypto, in k6), connects, generates a
// signed prekey and a batch of one-time prekeys and publishes them (registration), fetches the
// bundles of a handful of existing users, agrees a session with each by X3DH (the full agreement,
// no earlier session), sends each a first message and waits for their answers. Its messages are
// ordinary message records; its sign-up is one record (sign-up-record.ts).
import { fromUtf8, toBase64, utf8 } from "../../../harness/protocol/bytes.ts";
import { createIdentity, type Identity } from "../../../harness/protocol/identity.ts";
import { createPrekeyRing, publishFields } from "../../../harness/protocol/prekeys.ts";
import { SessionManager } from "../../../harness/protocol/session.ts";
import { bodyDigest } from "../body-digest.ts";
import { flushRecords, recordEvent } from "../client-events.ts";
import { connectDriver, type DriverWiring } from "../drivers/connect-driver.ts";
import type { Delivery, DriverEvents, Refusal, ServerDriver } from "../drivers/server-driver.ts";
import { canaryFor } from "../scenario-settings.ts";
import type { LinkOptions } from "../server-link.ts";
import { BundleFetches } from "./bundle-fetches.ts";
import type { FirstMessage } from "./first-message.ts";
import { recordSignUp, type SignUpRecord } from "./sign-up-record.ts";

export interface NewcomerPlan {
  /** its index, beyond the population's */
  index: number;
  /** the existing users it writes to: population index -> user id */
  contacts: Map<number, string>;
  oneTimePrekeys: number;
  runId: string;
  paddingBytes: number;
  link: LinkOptions;
  driver: DriverWiring;
  /** the sign-up is given up (outcome "unfinished") this long after it started */
  deadlineMs: number;
}

const KEEP_ALIVE_MS = 500;

/** Runs one sign-up to its end; resolves once its record is written and its connection closed. */
export async function signUp(plan: NewcomerPlan): Promise<void> {
  const keysFrom = Date.now();
  const identity = await createIdentity();
  await new Newcomer(plan, identity, Date.now() - keysFrom).run();
}

class Newcomer {
  private readonly record: SignUpRecord;
  private readonly fetches: BundleFetches;
  private readonly sessions: SessionManager;
  private readonly driver: ServerDriver;
  /** first messages not yet acknowledged by the server: id -> [recipient, body] */
  private readonly outbox = new Map<string, [string, string]>();
  private readonly indexOf: Map<string, number>;
  private publish: (() => void) | null = null;
  private seq = 0;
  private finish: () => void = () => undefined;
  private ended = false;

  constructor(private readonly plan: NewcomerPlan, private readonly identity: Identity, identityKeyMs: number) {
    this.indexOf = new Map([...plan.contacts].map(([i, id]) => [id, i]));
    this.record = {
      ev: "signup", user: plan.index, startedAt: Date.now(), identityKeyMs, connectedAt: null, prekeysMs: null, registeredAt: null,
      outcome: "unfinished", oneTimePrekeysPicked: "by-server", refusals: [], fetches: [], firstMessages: [], answers: 0, t: 0,
    };
    this.fetches = new BundleFetches(() => this.driver, (id) => this.indexOf.get(id) ?? -1);
    this.record.fetches = this.fetches.done;
    // the ring is filled in at registration; a session set up by the newcomer never needs its own prekeys
    this.sessions = new SessionManager(identity, () => Promise.reject(new Error("a newcomer answers no key agreement")), (userId) => this.fetches.fetch(userId), "full");
    this.driver = connectDriver({ ...plan.driver, register: true }, plan.link, identity, this.events());
    if (this.driver.oneTimePrekeyGraceMs !== undefined) this.record.oneTimePrekeysPicked = "by-client";
  }

  run(): Promise<void> {
    return new Promise<void>((resolve) => {
      const keepAlive = setInterval(() => this.driver.keepAlive(Date.now()), KEEP_ALIVE_MS);
      const deadline = setTimeout(() => this.end(), this.plan.deadlineMs);
      this.finish = () => {
        clearInterval(keepAlive);
        clearTimeout(deadline);
        resolve();
      };
      this.driver.start();
    });
  }

  private events(): DriverEvents {
    return {
      ready: (endpoint) => {
        recordEvent({ ev: "conn", user: this.plan.index, kind: "ready", ep: endpoint.name, t: Date.now() });
        if (this.record.connectedAt === null) {
          this.record.connectedAt = Date.now();
          this.register().catch((e) => {
            this.record.refusals.push(`prekeys:${String(e).slice(0, 80)}`);
            this.end();
          });
          return;
        }
        if (this.record.registeredAt === null) this.publish?.();
        this.fetches.resend();
        for (const [id, [to, body]] of this.outbox) if (this.driver.send(id, to, body)) recordEvent({ ev: "resent", id, t: Date.now(), ep: endpoint.name });
      },
      accepted: (id) => {
        if (this.outbox.delete(id)) recordEvent({ ev: "acked", id, t: Date.now(), ep: this.driver.endpoint.name });
      },
      delivered: (delivery) => this.onAnswer(delivery),
      prekeysPublished: () => this.onRegistered(),
      bundle: (reqId, bundle) => void this.fetches.onBundle(reqId, bundle),
      refused: (refusal) => this.onRefused(refusal),
      connection: (e) => {
        if (e.kind === "failed" && e.reason) this.record.refusals.push(`connect:${e.reason}`);
        recordEvent({ ev: "conn", user: this.plan.index, kind: e.kind, ep: e.endpoint, t: Date.now(), ...(e.reason ? { reason: e.reason } : {}), ...(e.delayMs !== undefined ? { delayMs: e.delayMs } : {}) });
      },
    };
  }

  private async register(): Promise<void> {
    const from = Date.now();
    const ring = await createPrekeyRing(this.identity, this.plan.oneTimePrekeys);
    this.record.prekeysMs = Date.now() - from;
    const fields = { signingKey: toBase64(this.identity.signingPublic), ...publishFields(this.identity, ring) };
    this.publish = () => void this.driver.publishPrekeys(fields);
    this.publish();
  }

  private onRegistered(): void {
    if (this.record.registeredAt !== null || this.ended) return;
    this.record.registeredAt = Date.now();
    for (const [contact, userId] of this.plan.contacts) this.writeFirst(contact, userId);
  }

  private writeFirst(contact: number, userId: string): void {
    const seq = ++this.seq;
    const id = `${this.plan.index}.${seq}`;
    this.record.firstMessages.push(id);
    const sentAt = Date.now();
    const content: FirstMessage = {
      canary: canaryFor(this.plan.runId, id), sentAt, pad: "x".repeat(this.plan.paddingBytes),
      newcomer: { index: this.plan.index, userId: this.identity.userId },
    };
    this.sessions.encrypt(userId, id, utf8(JSON.stringify(content))).then((body) => {
      if (this.ended) return;
      this.outbox.set(id, [userId, body]);
      recordEvent({ ev: "sent", id, from: this.plan.index, to: contact, seq, t: Date.now(), ep: this.driver.endpoint.name, tag: "first" });
      this.driver.send(id, userId, body);
    }, (e) => recordEvent({ ev: "compose_failed", from: this.plan.index, to: contact, t: Date.now(), reason: String(e) }));
  }

  private onAnswer(frame: Delivery): void {
    const from = this.indexOf.get(frame.from) ?? -1;
    const digest = bodyDigest(frame.body);
    this.sessions.decrypt(frame.from, frame.id, frame.body).then((plaintext) => {
      const content = JSON.parse(fromUtf8(plaintext)) as { sentAt: number };
      recordEvent({ ev: "delivered", id: frame.id, from, to: this.plan.index, t: Date.now(), sentAt: content.sentAt, dup: false, ep: this.driver.endpoint.name, digest });
      this.driver.acknowledge([{ from: frame.from, id: frame.id }]);
      if (++this.record.answers >= this.plan.contacts.size) this.end();
    }, (e) => {
      recordEvent({ ev: "decrypt_failed", id: frame.id, from: frame.from, to: this.plan.index, t: Date.now(), reason: String(e) });
      this.driver.acknowledge([{ from: frame.from, id: frame.id }]);
    });
  }

  private onRefused(refusal: Refusal): void {
    if (refusal.reqId && refusal.retryAfterMs !== undefined && this.fetches.onBusy(refusal.reqId, refusal.retryAfterMs)) return;
    if ((refusal.reqId === "publish" || refusal.reqId === "register") && this.record.registeredAt === null) {
      this.record.refusals.push(refusal.code);
      if (refusal.retryAfterMs === undefined) return this.end(true);
      setTimeout(() => this.record.registeredAt === null && !this.ended && this.publish?.(), refusal.retryAfterMs);
      return;
    }
    const entry = refusal.id ? this.outbox.get(refusal.id) : undefined;
    if (!refusal.id || !entry) return;
    const id = refusal.id;
    if (refusal.retryAfterMs !== undefined) {
      setTimeout(() => this.outbox.has(id) && !this.ended && this.driver.send(id, entry[0], entry[1]), refusal.retryAfterMs);
      return;
    }
    this.outbox.delete(id);
    recordEvent({ ev: "send_rejected", id, t: Date.now(), code: refusal.code });
  }

  /** `refused`: the server refused the registration for good */
  private end(refused = false): void {
    if (this.ended) return;
    this.ended = true;
    this.record.outcome = this.record.registeredAt !== null ? "registered" : refused ? "refused" : "unfinished";
    this.record.t = Date.now();
    this.fetches.clear();
    recordSignUp(this.record);
    flushRecords();
    this.driver.stop();
    this.finish();
  }
}
