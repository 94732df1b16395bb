// Per-message and per-connection records. A VU collects them and writes them in batches (one
// console.log per tick) to k6's console output; the harness reads them into the run's event log
// (harness/record/), so checkers can name any message that was lost, duplicated or late.
import { encodeRecord } from "./record-codec.ts";

export type ClientEvent =
  | { ev: "sent"; id: string; from: number; to: number; seq: number; t: number; ep: string; tag?: string }
  | { ev: "resent"; id: string; t: number; ep: string }
  | { ev: "acked"; id: string; t: number; ep: string }
  /** one copy that arrived: `dup` when the dedupe dropped it; `digest`: of its body as it came off the wire (scenarios/lib/body-digest.ts) */
  | { ev: "delivered"; id: string; from: number; to: number; t: number; sentAt: number; dup: boolean; ep: string; digest?: string }
  | { ev: "decrypt_failed"; id: string; from: string; to: number; t: number; reason: string }
  | { ev: "send_rejected"; id: string; t: number; code: string }
  | { ev: "compose_failed"; from: number; to: number; t: number; reason: string }
  | { ev: "conn"; user: number; kind: "ready" | "connecting" | "failed" | "dropped" | "failover" | "backoff"; ep: string; t: number; reason?: string; delayMs?: number }
  | { ev: "start"; t: number; vus: number }
  /** once per k6 instance: the server's clock minus this instance's, +- boundMs (clock-probe.ts) */
  | { ev: "clock"; t: number; offsetMs: number; boundMs: number; samples: number }
  | { ev: "phase"; name: string; edge: "start" | "end"; t: number }
  /** once a second per VU: how late the VU's tick, due every `everyMs`, fired (its event loop's backlog) */
  | { ev: "lag"; vu: number; t: number; ticks: number; everyMs: number; maxLateMs: number; meanLateMs: number }
  | { ev: "tally"; vu: number; t: number; users: number; sent: number; acked: number; delivered: number; outbox: number; connected: number };

let pending: string[] = [];

export function recordEvent(event: ClientEvent): void {
  pending.push(encodeRecord(event));
}

/** Writes the records collected since the last flush as one console line. */
export function flushRecords(): void {
  if (pending.length === 0) return;
  console.log(pending.join("\n"));
  pending = [];
}
