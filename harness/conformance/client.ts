// A small `ws` client for the conformance checks: keeps every frame the relay sent, waits for
// one with a deadline that names what was awaited, logs in with the challenge-response of
// fixtures/relay/PROTOCOL.md ("Connection and authentication").
import WebSocket from "ws";
import { authChallengeBytes } from "../protocol/auth.ts";
import { toBase64 } from "../protocol/bytes.ts";
import { encodeFrame, type ClientFrame, type RelayFrame } from "../protocol/frames.ts";
import { createIdentity, type Identity } from "../protocol/identity.ts";
import { sign } from "../protocol/signatures.ts";

export type FrameOf<T extends RelayFrame["type"]> = Extract<RelayFrame, { type: T }>;
export interface CloseInfo { code: number; reason: string }

/** How long one awaited frame may take; the check's own deadline is longer. */
export const WAIT_MS = 3000;

export class ConformanceClient {
  /** every frame received, parsed as JSON (whatever its shape) */
  readonly frames: Record<string, unknown>[] = [];
  readonly closed: Promise<CloseInfo>;
  closeInfo: CloseInfo | null = null;
  userId = "";
  private waiters: { predicate: (f: Record<string, unknown>) => boolean; resolve: (f: Record<string, unknown>) => void }[] = [];

  private constructor(readonly ws: WebSocket, readonly identity: Identity) {
    this.closed = new Promise((resolve) =>
      ws.on("close", (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
      }),
    );
    ws.on("error", () => {});
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      let frame: unknown;
      try {
        frame = JSON.parse(data.toString("utf8"));
      } catch {
        return;
      }
      if (!frame || typeof frame !== "object") return;
      const f = frame as Record<string, unknown>;
      this.frames.push(f);
      this.waiters = this.waiters.filter((w) => (w.predicate(f) ? (w.resolve(f), false) : true));
    });
  }

  /** Opens a socket (no login); resolves once the relay's challenge arrived. */
  static async open(url: string, identity?: Identity): Promise<ConformanceClient> {
    const id = identity ?? (await createIdentity()); // before the socket: no await between connecting and listening for "open"
    const ws = new WebSocket(url, { rejectUnauthorized: false });
    const client = new ConformanceClient(ws, id);
    const challenge = client.waitFor((f) => f.type === "challenge", "a `challenge` frame after connecting");
    challenge.catch(() => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`WebSocket upgrade refused with HTTP ${res.statusCode}`)));
    });
    await challenge;
    return client;
  }

  /** Opens a socket and logs in with a valid signature; resolves with `auth_ok`. */
  static async login(url: string, identity?: Identity): Promise<{ client: ConformanceClient; authOk: FrameOf<"auth_ok"> }> {
    const client = await ConformanceClient.open(url, identity);
    try {
      const authOk = await client.authenticate();
      return { client, authOk };
    } catch (error) {
      client.close();
      throw error;
    }
  }

  get challenge(): FrameOf<"challenge"> {
    const challenge = this.frames.find((f) => f.type === "challenge");
    if (!challenge) throw new Error("no `challenge` received");
    return challenge as unknown as FrameOf<"challenge">;
  }

  async authenticate(signWith: CryptoKey = this.identity.signingKey): Promise<FrameOf<"auth_ok">> {
    const signature = toBase64(await sign(signWith, authChallengeBytes(this.challenge.nonce)));
    const ok = this.waitFor((f) => f.type === "auth_ok", "`auth_ok` after a valid `auth`");
    this.send({ type: "auth", v: 1, signingKey: toBase64(this.identity.signingPublic), signature });
    const frame = (await ok) as unknown as FrameOf<"auth_ok">;
    this.userId = frame.userId;
    return frame;
  }

  send(frame: ClientFrame | Record<string, unknown> | string | Uint8Array): void {
    if (typeof frame === "string" || frame instanceof Uint8Array) this.ws.send(frame);
    else this.ws.send(encodeFrame(frame as ClientFrame));
  }

  /** The first frame (from `from` on, default: only frames yet to come) that matches; rejects after timeoutMs naming `what`. */
  waitFor(predicate: (f: Record<string, unknown>) => boolean, what: string, timeoutMs = WAIT_MS, from = this.frames.length): Promise<Record<string, unknown>> {
    const earlier = this.frames.slice(from).find(predicate);
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no ${what} within ${timeoutMs} ms${this.closeInfo ? ` (socket closed with ${this.closeInfo.code})` : ""}`));
      }, timeoutMs);
      const done = (f: Record<string, unknown>) => (clearTimeout(timer), resolve(f));
      this.waiters.push({ predicate, resolve: done });
    });
  }

  /** The close, or a rejection naming `what` after timeoutMs. */
  waitForClose(what: string, timeoutMs = WAIT_MS): Promise<CloseInfo> {
    return Promise.race([
      this.closed,
      new Promise<CloseInfo>((_, reject) => setTimeout(() => reject(new Error(`socket not closed within ${timeoutMs} ms (${what})`)), timeoutMs).unref()),
    ]);
  }

  /** Sends `ping` and waits for its `pong`: proves the socket still works and that earlier frames were read. */
  async roundTrip(): Promise<void> {
    const t = Math.floor(Math.random() * 1e9);
    const pong = this.waitFor((f) => f.type === "pong" && f.t === t, "`pong` answering `ping`");
    this.send({ type: "ping", t });
    await pong;
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }
}

/** A relay frame shown briefly in a measurement. */
export function show(frame: Record<string, unknown> | RelayFrame | undefined | null): string {
  if (!frame) return "nothing";
  const f = frame as Record<string, unknown>;
  if (f.type === "error") {
    const refs = (["id", "reqId", "limit", "retryAfterMs"] as const).filter((k) => f[k] !== undefined).map((k) => `${k} ${String(f[k])}`);
    return `error ${String(f.code)}${refs.length ? ` (${refs.join(", ")})` : ""}`;
  }
  const text = JSON.stringify(frame);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
