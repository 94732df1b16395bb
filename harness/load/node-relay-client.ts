// A minimal relay client for the harness itself (Node, `ws`): logs in with a fresh identity and
// pipelines sends. Used to fill the relay with a stored backlog before a scenario.
import WebSocket from "ws";
import { authFrame } from "../protocol/auth.ts";
import { decodeRelayFrame, encodeFrame, type RelayFrame } from "../protocol/frames.ts";
import { createIdentity, type Identity } from "../protocol/identity.ts";

export class NodeRelayClient {
  private constructor(readonly ws: WebSocket, readonly identity: Identity, private readonly onFrame: (f: RelayFrame) => void) {}

  static async connect(url: string, onFrame: (f: RelayFrame) => void, timeoutMs = 10_000): Promise<NodeRelayClient> {
    const identity = await createIdentity();
    const ws = new WebSocket(url, { rejectUnauthorized: false });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (ws.terminate(), reject(new Error(`not logged in to ${url} within ${timeoutMs} ms`))), timeoutMs);
      ws.on("error", (e) => (clearTimeout(timer), reject(e)));
      ws.on("message", async (data: Buffer) => {
        const frame = decodeRelayFrame(data.toString("utf8"));
        if (frame?.type === "challenge") {
          ws.send(await authFrame(identity, frame.nonce));
        } else if (frame?.type === "auth_ok") {
          clearTimeout(timer);
          const client = new NodeRelayClient(ws, identity, onFrame);
          ws.removeAllListeners("message");
          ws.on("message", (d: Buffer) => {
            const f = decodeRelayFrame(d.toString("utf8"));
            if (f) client.onFrame(f);
          });
          resolve(client);
        }
      });
    });
  }

  send(id: string, to: string, body: string): void {
    this.ws.send(encodeFrame({ type: "send", id, to, body }));
  }

  close(): void {
    this.ws.close();
  }
}

/** The user id of an identity that never connects (an offline recipient). */
export async function offlineUserId(): Promise<string> {
  return (await createIdentity()).userId;
}

export type { Identity };
