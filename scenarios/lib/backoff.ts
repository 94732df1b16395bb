// Reconnect delays: exponential backoff with full jitter (AWS architecture blog's "Full Jitter"),
// and the naive fixed interval that produces a thundering herd.
import type { Random } from "./seeded-random.ts";

export interface BackoffPolicy {
  kind: "jitter" | "fixed";
  baseMs: number;
  capMs: number;
}

/** Delay before reconnect attempt number `attempt` (1 = first retry). */
export function reconnectDelayMs(policy: BackoffPolicy, attempt: number, random: Random): number {
  if (policy.kind === "fixed") return policy.baseMs;
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(random() * ceiling);
}
