// Time to recover (TTR): from a reference moment (the heal, or the kill for a crash) until the
// first send bucket from which delivery success and p95 latency stay within the band for the
// hold time. A run that never gets there says so, with how far it got: never a made-up number.
import type { MessageRecord } from "../record/message-records.ts";
import type { RecoveryBand } from "./recovery-band.ts";
import { sendBuckets, type SendBucket } from "./send-buckets.ts";

export interface Baseline {
  successRate: number | null;
  p95Ms: number | null;
}

export type Recovery =
  | { recovered: true; ttrMs: number; recoveredAt: number; p95LimitMs: number }
  | { recovered: false; reason: string; bestSuccessRate: number | null; bestP95Ms: number | null; p95LimitMs: number | null };

export function p95Limit(baseline: Baseline, band: RecoveryBand): number | null {
  return baseline.p95Ms === null ? null : Math.max(band.p95FloorMs, baseline.p95Ms * band.maxP95Factor);
}

function withinBand(b: SendBucket, band: RecoveryBand, limit: number): boolean {
  return b.sent === 0 || (b.delivered / b.sent >= band.minSuccess && b.p95 !== null && b.p95 <= limit);
}

export function timeToRecover(records: MessageRecord[], reference: number, end: number, baseline: Baseline, band: RecoveryBand): Recovery {
  const limit = p95Limit(baseline, band);
  const buckets = sendBuckets(records, reference, end, band.bucketMs);
  const best = () => {
    const busy = buckets.filter((b) => b.sent > 0);
    return {
      bestSuccessRate: busy.length ? Math.max(...busy.map((b) => b.delivered / b.sent)) : null,
      bestP95Ms: busy.some((b) => b.p95 !== null) ? Math.min(...busy.filter((b) => b.p95 !== null).map((b) => b.p95!)) : null,
    };
  };
  if (limit === null) return { recovered: false, reason: "no baseline: no message was delivered before the first fault", ...best(), p95LimitMs: null };
  const holdBuckets = Math.ceil(band.holdMs / band.bucketMs);
  for (let i = 0; i + holdBuckets <= buckets.length; i++) {
    const window = buckets.slice(i, i + holdBuckets);
    if (window.some((b) => b.sent > 0) && window.every((b) => withinBand(b, band, limit))) {
      return { recovered: true, ttrMs: buckets[i].from - reference, recoveredAt: buckets[i].from, p95LimitMs: limit };
    }
  }
  return { recovered: false, reason: `never held success >= ${band.minSuccess * 100}% and p95 <= ${limit} ms for ${band.holdMs} ms before sending ended`, ...best(), p95LimitMs: limit };
}
