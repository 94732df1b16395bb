// Writes a relay data dir holding a queued backlog directly in the log format, so restart time
// can be measured against backlog size without sending every message first.
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { encodeRecord } from "../../fixtures/relay/log-records.ts";
import { LOG_FILE } from "../../fixtures/relay/relay-store.ts";

export interface BacklogOptions {
  messages: number;
  /** Recipient user ids the messages are spread over (round robin). */
  recipients: string[];
  from?: string;
  bodyBytes?: number;
}

/** Returns the log size in bytes. Message ids are `b<n>`. */
export function writeSyntheticBacklog(dataDir: string, options: BacklogOptions): number {
  mkdirSync(dataDir, { recursive: true });
  const fd = openSync(join(dataDir, LOG_FILE), "w");
  const from = options.from ?? "S".repeat(22);
  const body = Buffer.alloc(options.bodyBytes ?? 150, 7).toString("base64");
  let bytes = 0;
  let chunk = "";
  const firstTs = Date.now() - options.messages; // recent: the relay expires messages older than its TTL
  try {
    for (let i = 0; i < options.messages; i++) {
      const to = options.recipients[i % options.recipients.length];
      chunk += encodeRecord({ k: "m", to, from, id: `b${i}`, ts: firstTs + i, body }) + "\n";
      if (chunk.length >= 4 * 1024 * 1024) {
        bytes += writeSync(fd, chunk);
        chunk = "";
      }
    }
    bytes += writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return bytes;
}
