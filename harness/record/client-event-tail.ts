// Follows k6's console output while it is written and hands each client record to a callback.
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";
import { decodeRecord } from "../../scenarios/lib/record-codec.ts";

export class ClientEventTail {
  private offset = 0;
  private partial = "";
  private timer: ReturnType<typeof setInterval> | null = null;
  /** opened once the file exists and kept: a file opened at every poll could not be opened once the taps' connections had taken every descriptor */
  private fd: number | null = null;
  private readonly chunk = Buffer.alloc(1 << 20);

  constructor(private readonly file: string, private readonly onEvent: (event: ClientEvent) => void) {}

  start(intervalMs = 200): void {
    this.timer = setInterval(() => this.poll(), intervalMs);
  }

  /** Reads what is left and stops following. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.poll();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  poll(): void {
    if (this.fd === null) {
      if (!existsSync(this.file)) return;
      this.fd = openSync(this.file, "r");
    }
    for (let n; (n = readSync(this.fd, this.chunk, 0, this.chunk.length, this.offset)) > 0; ) {
      this.offset += n;
      this.partial += this.chunk.subarray(0, n).toString("utf8");
      const lines = this.partial.split("\n");
      this.partial = lines.pop() ?? "";
      for (const line of lines) {
        for (const event of parseClientEvents(line)) this.onEvent(event);
      }
    }
  }
}

/** The client records of one line of k6's JSON console output (a batch of them), or none for any other line. */
export function parseClientEvents(line: string): ClientEvent[] {
  if (!line.startsWith('{"level":"info"')) return [];
  let msg: string;
  try {
    msg = (JSON.parse(line) as { msg?: string }).msg ?? "";
  } catch {
    return [];
  }
  const events: ClientEvent[] = [];
  for (const part of msg.split("\n")) {
    const event = decodeRecord(part);
    if (event) events.push(event);
  }
  return events;
}
