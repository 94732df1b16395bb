// What every driver does the same way: one ServerLink (failover, backoff, liveness) carrying the
// protocol's dialect, its ready and connection events passed to the user. A driver adds its frames.
import type { Endpoint } from "../endpoints.ts";
import { ServerLink, type DialectConnection, type LinkOptions, type LinkWire } from "../server-link.ts";
import type { DriverEvents } from "./server-driver.ts";

export abstract class LinkedDriver {
  protected readonly link: ServerLink;

  /** `subprotocol`: the WebSocket subprotocol the server requires, if any */
  constructor(options: LinkOptions, protected readonly events: DriverEvents, subprotocol?: string) {
    this.link = new ServerLink(options, { subprotocol, connection: (wire) => this.connection(wire) }, {
      onReady: (endpoint) => events.ready(endpoint),
      onConnectionEvent: (e) => events.connection(e),
    });
  }

  /** The protocol's side of one new connection: login, then frames. */
  protected abstract connection(wire: LinkWire): DialectConnection;

  get isReady(): boolean {
    return this.link.isReady;
  }

  get endpoint(): Endpoint {
    return this.link.endpoint;
  }

  start(): void {
    this.link.start();
  }

  stop(): void {
    this.link.stop();
  }

  keepAlive(now: number): void {
    this.link.keepAlive(now);
  }
}
