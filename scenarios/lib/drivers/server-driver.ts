// The seam between a simulated user and a messaging server: what the user asks of any server, and
// what it hears back, whatever the wire protocol. One driver per protocol (relay-driver.ts for the
// reference relay's, xmpp-driver.ts for XMPP); outbox, dedupe, E2E crypto and records stay the
// user's (simulated-user.ts), the same code for every server.
import type { AckRef, OneTimePrekey, PrekeyBundle, SignedPrekey } from "../../../harness/protocol/frames.ts";
import type { Endpoint } from "../endpoints.ts";
import type { ConnectionEvent } from "../server-link.ts";

/** What a user publishes so that others can open a session with it (X3DH). */
export interface PublishedPrekeys { signingKey: string; dhKey: string; dhKeySig: string; signedPrekey: SignedPrekey; oneTimePrekeys: OneTimePrekey[] }

/**
 * The server would not take a message or a request. `retryAfterMs` set: try again then (it was
 * busy); else refused for good, `code` saying why (the relay's error codes, or `xmpp:<condition>`).
 */
export interface Refusal { code: string; id?: string; reqId?: string; retryAfterMs?: number; limit?: number }

export interface Delivery { from: string; id: string; body: string }

export interface DriverEvents {
  /** logged in (again): the user resends its outbox */
  ready(endpoint: Endpoint): void;
  /** the server acknowledged message `id`: it is the server's now */
  accepted(id: string): void;
  delivered(delivery: Delivery): void;
  prekeysPublished(): void;
  bundle(reqId: string, bundle: PrekeyBundle): void;
  refused(refusal: Refusal): void;
  connection(event: ConnectionEvent): void;
}

export interface ServerDriver {
  readonly isReady: boolean;
  readonly endpoint: Endpoint;
  start(): void;
  stop(): void;
  /** liveness: called for every user every few ticks */
  keepAlive(now: number): void;
  /** false: not sent (offline); the outbox keeps it */
  send(id: string, to: string, body: string, fwd?: number): boolean;
  /** the user is done with these deliveries; returns how many of them were taken (the rest: again next tick) */
  acknowledge(refs: AckRef[]): number;
  publishPrekeys(prekeys: PublishedPrekeys): boolean;
  fetchPrekeys(reqId: string, userId: string): boolean;
  /**
   * Present where the server hands out whole bundles and the client picks a one-time prekey (XMPP's
   * PEP), so two peers may pick the same: how long the owner keeps a consumed one. Absent: the
   * server hands each out once (the relay), and a second use is refused.
   */
  readonly oneTimePrekeyGraceMs?: number;
  /** The user consumed one-time prekey `id` in an incoming agreement: the server stops offering it (PEP: the bundle is published again without it). */
  oneTimePrekeyUsed?(id: number): void;
}
