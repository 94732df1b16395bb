// A WebSocket hop between XMPP clients and a real server that records every frame both ways, and
// can drop frames from the server (a server that misbehaves on purpose, e.g. never sends <a/>).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";

export interface RecordedFrame { connection: number; from: "client" | "server"; text: string; t: number }

export class XmppFrameProxy {
  readonly frames: RecordedFrame[] = [];
  private connections = 0;
  private readonly sockets = new Set<WebSocket>();

  private constructor(private readonly http: Server, private readonly wss: WebSocketServer) {}

  /** `upstream`: the server's ws:// URL; `dropFromServer`: frames the clients never see */
  static async start(upstream: string, dropFromServer: (text: string) => boolean = () => false): Promise<XmppFrameProxy> {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, handleProtocols: (protocols) => (protocols.has("xmpp") ? "xmpp" : false) });
    const proxy = new XmppFrameProxy(http, wss);
    wss.on("connection", (client) => {
      const connection = ++proxy.connections;
      const server = new WebSocket(upstream, "xmpp");
      proxy.sockets.add(client).add(server);
      const early: string[] = [];
      client.on("message", (data) => {
        const text = data.toString();
        proxy.frames.push({ connection, from: "client", text, t: Date.now() });
        if (server.readyState === WebSocket.OPEN) server.send(text);
        else early.push(text);
      });
      server.on("open", () => early.splice(0).forEach((text) => server.send(text)));
      server.on("message", (data) => {
        const text = data.toString();
        proxy.frames.push({ connection, from: "server", text, t: Date.now() });
        if (!dropFromServer(text) && client.readyState === WebSocket.OPEN) client.send(text);
      });
      const closeBoth = () => {
        client.terminate();
        server.terminate();
      };
      client.on("close", closeBoth).on("error", closeBoth);
      server.on("close", closeBoth).on("error", closeBoth);
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}/xmpp-websocket`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}
