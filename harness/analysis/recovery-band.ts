// What "recovered" means, in one place: delivery success and p95 latency back within a band of
// the baseline, held for a while. Suites may override any field under "recovery".

export interface RecoveryBand {
  /** share of messages sent in a bucket that must be delivered */
  minSuccess: number;
  /** p95 latency of a bucket at most this many times the baseline p95 */
  maxP95Factor: number;
  /** ...but never required below this, so a 5 ms baseline does not demand 10 ms */
  p95FloorMs: number;
  /** how long both must hold */
  holdMs: number;
  /** width of the time buckets messages are grouped in by send time */
  bucketMs: number;
  /** resolution: the buckets slide by this much, so time to recover is a multiple of it */
  stepMs: number;
  /** a fault's window ends this long after its heal took effect (harness/analysis/fault-windows.ts) */
  settleMs: number;
  /** a message shown later than this after it was sent is late (checker "late") */
  lateMs: number;
}

export const DEFAULT_RECOVERY_BAND: RecoveryBand = { minSuccess: 0.99, maxP95Factor: 2, p95FloorMs: 100, holdMs: 5000, bucketMs: 1000, stepMs: 100, settleMs: 5000, lateMs: 10_000 };
