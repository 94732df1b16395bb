// A real `ws` client of the relay for tests: ECDSA P-256 identity from WebCrypto,
// challenge-response login, prekey publishing, sends, collected deliveries, acks.
import WebSocket from "ws";
import { authChallengeBytes } from "../../harness/protocol/auth.ts";
import { fromBase64, randomBytes, toBase64 } from "../../harness/protocol/bytes.ts";
import { decodeRelayFrame, encodeFrame, type AckRef, type ClientFrame, type RelayFrame } from "../../harness/protocol/frames.ts";
import { exportRawPublicKey, generateSigningKeyPair, sign, userIdFor } from "../../harness/protocol/signatures.ts";

export type FrameOf<T extends RelayFrame["type"]> = Extract<RelayFrame, { type: T }>;
export type DeliverFrame = FrameOf<"deliver">;

export interface TestIdentity {
  signing: CryptoKeyPair;
  /** base64 of the raw uncompressed signing public key. */
  signingKey: string;
  userId: string;
}

export async function createIdentity(): Promise<TestIdentity> {
  const signing = await generateSigningKeyPair();
  const raw = await exportRawPublicKey(signing.publicKey);
  return { signing, signingKey: toBase64(raw), userId: await userIdFor(raw) };
}

export async function newDhPublicKey(): Promise<string> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
  return toBase64(new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey)));
}

export function randomBody(bytes = 64): string {
  return toBase64(randomBytes(bytes));
}

export interface ConnectOptions {
  identity?: TestIdentity;
  /** Answer the challenge and wait for auth_ok (default true). */
  authenticate?: boolean;
  /** Accept self-signed certificates on wss:// (default true). */
  insecureTls?: boolean;
}

export interface CloseInfo { code: number; reason: string }

let idCounter = 0;

export class RelayTestClient {
  readonly frames: RelayFrame[] = [];
  readonly delivered: DeliverFrame[] = [];
  readonly closed: Promise<CloseInfo>;
  userId = "";
  private waiters: { predicate: (f: RelayFrame) => boolean; resolve: (f: RelayFrame) => void }[] = [];

  private constructor(readonly ws: WebSocket, readonly identity: TestIdentity) {
    this.closed = new Promise((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on("error", () => {});
    ws.on("message", (data: Buffer) => {
      const frame = decodeRelayFrame(data.toString("utf8"));
      if (!frame) return;
      this.frames.push(frame);
      if (frame.type === "deliver") this.delivered.push(frame);
      this.waiters = this.waiters.filter((w) => (w.predicate(frame) ? (w.resolve(frame), false) : true));
    });
  }

  static async connect(url: string, options: ConnectOptions = {}): Promise<RelayTestClient> {
    const identity = options.identity ?? (await createIdentity());
    const ws = new WebSocket(url, { rejectUnauthorized: !(options.insecureTls ?? true) });
    const client = new RelayTestClient(ws, identity);
    const challenge = client.waitFor((f) => f.type === "challenge", 10_000);
    challenge.catch(() => undefined); // a failed open must not leave this waiter rejecting unobserved
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused with HTTP ${res.statusCode}`)));
    });
    await challenge;
    if (options.authenticate ?? true) await client.authenticate();
    return client;
  }

  get challengeNonce(): string {
    const challenge = this.frames.find((f) => f.type === "challenge") as FrameOf<"challenge"> | undefined;
    if (!challenge) throw new Error("no challenge received");
    return challenge.nonce;
  }

  /** Signs the challenge (with another identity's key if given) and waits for auth_ok. */
  async authenticate(signWith: CryptoKey = this.identity.signing.privateKey): Promise<FrameOf<"auth_ok">> {
    const signature = await sign(signWith, authChallengeBytes(this.challengeNonce));
    const ok = this.waitFor((f) => f.type === "auth_ok", 10_000);
    this.sendFrame({ type: "auth", v: 1, signingKey: this.identity.signingKey, signature: toBase64(signature) });
    const frame = (await ok) as FrameOf<"auth_ok">;
    this.userId = frame.userId;
    return frame;
  }

  /** Sends raw text, bytes or a frame object as is. */
  sendFrame(frame: ClientFrame | Record<string, unknown> | string | Uint8Array): void {
    if (typeof frame === "string" || frame instanceof Uint8Array) this.ws.send(frame);
    else this.ws.send(encodeFrame(frame as ClientFrame));
  }

  /** Sends a message without waiting; returns its id. */
  send(to: string, body = randomBody(), id = `m-${process.pid}-${++idCounter}`, fwd?: number): string {
    this.sendFrame(fwd === undefined ? { type: "send", id, to, body } : { type: "send", id, to, body, fwd });
    return id;
  }

  /** Sends and waits for `sent` (or the error naming this id). */
  async sendAndWait(to: string, body = randomBody(), id?: string, fwd?: number): Promise<FrameOf<"sent"> | FrameOf<"error">> {
    const messageId = id ?? `m-${process.pid}-${++idCounter}`;
    const answer = this.waitFor((f) => (f.type === "sent" || f.type === "error") && f.id === messageId, 10_000, this.frames.length);
    this.send(to, body, messageId, fwd);
    return (await answer) as FrameOf<"sent"> | FrameOf<"error">;
  }

  /** Acknowledges deliveries, each named by (from, id); plain ids are taken as sent by `from`. */
  ack(refs: (AckRef | string)[], from?: string): void {
    const acks = refs.map((r) => (typeof r === "string" ? { from: from ?? this.senderOf(r), id: r } : r));
    this.sendFrame({ type: "ack", acks });
  }

  /** The sender of the delivered message with this id (the first such delivery). */
  private senderOf(id: string): string {
    const frame = this.delivered.find((d) => d.id === id);
    if (!frame) throw new Error(`ack: no delivery with id '${id}' to name its sender; pass 'from'`);
    return frame.from;
  }

  async publishPrekeys(options: { oneTime?: number; signWith?: CryptoKey; firstId?: number } = {}): Promise<FrameOf<"prekeys_ok"> | FrameOf<"error">> {
    const signer = options.signWith ?? this.identity.signing.privateKey;
    const dhKey = await newDhPublicKey();
    const spk = await newDhPublicKey();
    const oneTimePrekeys = [];
    for (let i = 0; i < (options.oneTime ?? 20); i++) oneTimePrekeys.push({ id: (options.firstId ?? 1) + i, key: await newDhPublicKey() });
    const reqId = `pub-${++idCounter}`;
    const answer = this.waitFor((f) => (f.type === "prekeys_ok" || f.type === "error") && f.reqId === reqId);
    this.sendFrame({
      type: "publish_prekeys", reqId, dhKey,
      dhKeySig: toBase64(await sign(signer, fromBase64(dhKey))),
      signedPrekey: { id: 1, key: spk, sig: toBase64(await sign(signer, fromBase64(spk))) },
      oneTimePrekeys,
    });
    return (await answer) as FrameOf<"prekeys_ok"> | FrameOf<"error">;
  }

  async fetchPrekeys(userId: string): Promise<FrameOf<"prekey_bundle"> | FrameOf<"error">> {
    const reqId = `fetch-${++idCounter}`;
    const answer = this.waitFor((f) => (f.type === "prekey_bundle" || f.type === "error") && f.reqId === reqId);
    this.sendFrame({ type: "fetch_prekeys", reqId, userId });
    return (await answer) as FrameOf<"prekey_bundle"> | FrameOf<"error">;
  }

  async ping(): Promise<FrameOf<"pong">> {
    const t = Math.random();
    const answer = this.waitFor((f) => f.type === "pong" && f.t === t);
    this.sendFrame({ type: "ping", t });
    return (await answer) as FrameOf<"pong">;
  }

  /** Resolves with the first frame matching the predicate, among frames[since..] and future ones. */
  waitFor(predicate: (f: RelayFrame) => boolean, timeoutMs = 10_000, since = 0): Promise<RelayFrame> {
    const seen = this.frames.slice(since).find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no matching frame within ${timeoutMs} ms; last frames: ${JSON.stringify(this.frames.slice(-3))}`));
      }, timeoutMs);
      const done = (f: RelayFrame): void => {
        clearTimeout(timer);
        resolve(f);
      };
      this.waiters.push({ predicate, resolve: done });
    });
  }

  /** Waits until at least n deliver frames arrived in total. */
  async waitForDeliveries(n: number, timeoutMs = 10_000): Promise<DeliverFrame[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.delivered.length < n) {
      if (Date.now() > deadline) throw new Error(`only ${this.delivered.length} of ${n} deliveries within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.delivered;
  }

  errors(code?: string): FrameOf<"error">[] {
    return this.frames.filter((f): f is FrameOf<"error"> => f.type === "error" && (code === undefined || f.code === code));
  }

  async close(): Promise<CloseInfo> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    return this.closed;
  }
}

/** Connects clients and remembers them, so one afterEach closes them all. */
export function clientPool(): { connect: typeof RelayTestClient.connect; closeAll: () => Promise<void> } {
  const clients: RelayTestClient[] = [];
  return {
    connect: async (...args) => {
      const client = await RelayTestClient.connect(...args);
      clients.push(client);
      return client;
    },
    closeAll: async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
    },
  };
}
