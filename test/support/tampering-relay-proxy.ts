// A relay that misbehaves on purpose, for tests: a WebSocket hop between k6 clients and the real
// reference relay that passes every frame both ways and, once, redelivers copies of `deliver`
// frames it already passed. When the first conversation (one sender to one connected recipient)
// has had three messages delivered, it sends that recipient again:
//   - the third message with one ciphertext byte flipped (right after the original: in order);
//   - the first message with one ciphertext byte flipped (out of its conversation's order);
//   - the second message unaltered (out of its conversation's order).
// None of the project's relay fault modes does this; the client's dedupe drops all three unread.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";

interface DeliverFrame { type: "deliver"; id: string; from: string; body: string; ts: number }

export interface Tampering {
  /** ids redelivered with one ciphertext byte flipped */
  altered: string[];
  /** ids redelivered unaltered, out of order */
  replayed: string[];
  /** the body each tampered id was first delivered with */
  originals: Map<string, string>;
}

/** The delivered messages after which the proxy redelivers (see the header). */
const TAMPER_AFTER = 3;

export class TamperingRelayProxy {
  readonly tampering: Tampering = { altered: [], replayed: [], originals: new Map() };
  private readonly sockets = new Set<WebSocket>();

  private constructor(private readonly http: Server, private readonly wss: WebSocketServer) {}

  /** `upstream`: the relay's ws:// URL */
  static async start(upstream: string): Promise<TamperingRelayProxy> {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    const proxy = new TamperingRelayProxy(http, wss);
    wss.on("connection", (client) => proxy.relay(client, new WebSocket(upstream)));
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}/ws`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private relay(client: WebSocket, server: WebSocket): void {
    this.sockets.add(client).add(server);
    const early: string[] = [];
    /** this connection's deliveries by sender */
    const conversations = new Map<string, DeliverFrame[]>();
    client.on("message", (data) => {
      if (server.readyState === WebSocket.OPEN) server.send(data.toString());
      else early.push(data.toString());
    });
    server.on("open", () => early.splice(0).forEach((text) => server.send(text)));
    server.on("message", (data) => {
      const text = data.toString();
      if (client.readyState !== WebSocket.OPEN) return;
      client.send(text);
      const frame = JSON.parse(text) as { type: string };
      if (frame.type !== "deliver" || this.tampering.altered.length > 0) return;
      const deliver = frame as DeliverFrame;
      const conversation = conversations.get(deliver.from) ?? [];
      conversations.set(deliver.from, [...conversation, deliver]);
      if (conversation.length + 1 === TAMPER_AFTER) this.redeliver(client, [...conversation, deliver]);
    });
    const closeBoth = () => {
      client.terminate();
      server.terminate();
    };
    client.on("close", closeBoth).on("error", closeBoth);
    server.on("close", closeBoth).on("error", closeBoth);
  }

  private redeliver(client: WebSocket, [first, second, third]: DeliverFrame[]): void {
    for (const frame of [first, second, third]) this.tampering.originals.set(frame.id, frame.body);
    client.send(JSON.stringify({ ...third, body: flipCiphertextByte(third.body) }));
    client.send(JSON.stringify({ ...first, body: flipCiphertextByte(first.body) }));
    client.send(JSON.stringify(second));
    this.tampering.altered.push(third.id, first.id);
    this.tampering.replayed.push(second.id);
  }
}

/** The same E2E envelope (base64 of its JSON) with one byte of its ciphertext flipped: still well formed. */
function flipCiphertextByte(body: string): string {
  const envelope = JSON.parse(Buffer.from(body, "base64").toString("utf8")) as { ct: string };
  const ct = Buffer.from(envelope.ct, "base64");
  ct[ct.length >> 1] ^= 0x01;
  return Buffer.from(JSON.stringify({ ...envelope, ct: ct.toString("base64") }), "utf8").toString("base64");
}
