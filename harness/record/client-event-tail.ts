// Follows k6's console output while it is written and hands each client record to a callback.
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";

export class ClientEventTail {
  private offset = 0;
  private partial = "";
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly file: string, private readonly onEvent: (event: ClientEvent) => void) {}

  start(intervalMs = 200): void {
    this.timer = setInterval(() => this.poll(), intervalMs);
  }

  /** Reads what is left and stops following. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.poll();
  }

  poll(): void {
    if (!existsSync(this.file)) return;
    const fd = openSync(this.file, "r");
    try {
      const chunk = Buffer.alloc(1 << 20);
      for (let n; (n = readSync(fd, chunk, 0, chunk.length, this.offset)) > 0; ) {
        this.offset += n;
        this.partial += chunk.subarray(0, n).toString("utf8");
        const lines = this.partial.split("\n");
        this.partial = lines.pop() ?? "";
        for (const line of lines) {
          const event = parseClientEvent(line);
          if (event) this.onEvent(event);
        }
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** A client record from one line of k6's JSON console output, or null for any other line. */
export function parseClientEvent(line: string): ClientEvent | null {
  if (!line.includes('\\"ev\\"')) return null;
  try {
    const outer = JSON.parse(line) as { msg?: string };
    const event = JSON.parse(outer.msg ?? "") as ClientEvent;
    return typeof event.ev === "string" ? event : null;
  } catch {
    return null;
  }
}
