// Messages grouped by the time slice (bucket) they were sent in: how many, how many arrived, p95.
import type { MessageRecord } from "../record/message-records.ts";
import { percentile } from "./percentiles.ts";

export interface SendBucket {
  from: number;
  sent: number;
  delivered: number;
  p95: number | null;
  /** delivery latencies of the messages sent in it, ascending */
  latencies: number[];
}

export function sendBuckets(records: MessageRecord[], from: number, to: number, bucketMs: number): SendBucket[] {
  const count = Math.max(0, Math.ceil((to - from) / bucketMs));
  const latencies: number[][] = Array.from({ length: count }, () => []);
  const sent = new Array<number>(count).fill(0);
  for (const r of records) {
    const i = Math.floor((r.sentAt - from) / bucketMs);
    if (i < 0 || i >= count) continue;
    sent[i]++;
    if (r.latencyMs !== null) latencies[i].push(r.latencyMs);
  }
  return sent.map((n, i) => ({ from: from + i * bucketMs, sent: n, delivered: latencies[i].length, p95: percentile(latencies[i].sort((a, b) => a - b), 95), latencies: latencies[i] }));
}
