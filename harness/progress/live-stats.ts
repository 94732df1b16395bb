// Running figures from the client records as they arrive: for the progress line.
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";

export class LiveStats {
  sent = 0;
  acked = 0;
  delivered = 0;
  private readonly connected = new Set<number>();
  private readonly recentDeliveries: number[] = [];

  add(event: ClientEvent): void {
    if (event.ev === "sent") this.sent++;
    else if (event.ev === "acked") this.acked++;
    else if (event.ev === "delivered" && !event.dup) {
      this.delivered++;
      this.recentDeliveries.push(event.t);
    } else if (event.ev === "conn") {
      if (event.kind === "ready") this.connected.add(event.user);
      else if (event.kind !== "backoff" && event.kind !== "failover") this.connected.delete(event.user);
    }
  }

  connectedUsers(): number {
    return this.connected.size;
  }

  /** delivered messages per second over the last `windowMs` */
  deliveredPerSecond(now: number, windowMs = 5000): number {
    while (this.recentDeliveries.length && this.recentDeliveries[0] < now - windowMs) this.recentDeliveries.shift();
    return this.recentDeliveries.length / (windowMs / 1000);
  }
}
