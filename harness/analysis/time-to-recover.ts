// Time to recover (TTR): from a reference moment (the heal, or the kill for a crash) until the
// first moment (in steps of band.stepMs, 100 ms by default) from which send buckets of band.bucketMs,
// one after another, delivery success and p95 latency stay within the band for the
// hold time. A run that never gets there says so, with how far it got: never a made-up number.
import type { MessageRecord } from "../record/message-records.ts";
import type { RecoveryBand } from "./recovery-band.ts";
import { percentile } from "./percentiles.ts";
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
  const step = Math.max(1, Math.min(band.stepMs, band.bucketMs));
  const perBucket = Math.max(1, Math.round(band.bucketMs / step));
  const holdBuckets = Math.ceil(band.holdMs / band.bucketMs);
  // fine slices of `step` ms; a bucket is `perBucket` consecutive slices, starting at any slice
  const slices = sendBuckets(records, reference, reference + Math.ceil((end - reference) / band.bucketMs) * band.bucketMs, step);
  const bucketCache = new Map<number, SendBucket>();
  const bucketAt = (i: number): SendBucket => {
    let b = bucketCache.get(i);
    if (!b) {
      const part = slices.slice(i, i + perBucket);
      const latencies = part.flatMap((x) => x.latencies).sort((x, y) => x - y);
      b = { from: slices[i].from, sent: part.reduce((n, x) => n + x.sent, 0), delivered: latencies.length, p95: percentile(latencies, 95), latencies };
      bucketCache.set(i, b);
    }
    return b;
  };
  const best = () => {
    const busy: SendBucket[] = [];
    for (let i = 0; i + perBucket <= slices.length; i += perBucket) if (bucketAt(i).sent > 0) busy.push(bucketAt(i));
    return {
      bestSuccessRate: busy.length ? Math.max(...busy.map((b) => b.delivered / b.sent)) : null,
      bestP95Ms: busy.some((b) => b.p95 !== null) ? Math.min(...busy.filter((b) => b.p95 !== null).map((b) => b.p95!)) : null,
    };
  };
  if (limit === null) return { recovered: false, reason: "no baseline: no message was delivered before the first fault", ...best(), p95LimitMs: null };
  for (let k = 0; k + holdBuckets * perBucket <= slices.length; k++) {
    let busy = false;
    let ok = true;
    for (let j = 0; j < holdBuckets && ok; j++) {
      const b = bucketAt(k + j * perBucket);
      busy ||= b.sent > 0;
      ok = withinBand(b, band, limit);
    }
    if (ok && busy) return { recovered: true, ttrMs: slices[k].from - reference, recoveredAt: slices[k].from, p95LimitMs: limit };
  }
  return { recovered: false, reason: `never held success >= ${band.minSuccess * 100}% and p95 <= ${limit} ms for ${band.holdMs} ms before sending ended`, ...best(), p95LimitMs: limit };
}
