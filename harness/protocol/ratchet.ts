// Symmetric-key ratchet: every message gets its own key, and a used key is forgotten.
import { hmacSha256 } from "./hkdf.ts";

const MESSAGE_KEY_SEED = new Uint8Array([1]);
const CHAIN_KEY_SEED = new Uint8Array([2]);
const SESSION_KEY_SEED = new Uint8Array([3]);
/** Most message keys kept for messages that arrive out of order (Signal's MAX_SKIP idea). */
export const MAX_SKIPPED_KEYS = 2000;

export class RatchetError extends Error {}

export interface SendingChain { key: Uint8Array; n: number }

export interface ReceivingChain {
  key: Uint8Array;
  /** next counter not yet derived */
  n: number;
  /** keys derived for counters that were skipped and not yet seen (null until a counter is skipped) */
  skipped: Map<number, Uint8Array> | null;
}

function step(chainKey: Uint8Array): { messageKey: Uint8Array; nextChainKey: Uint8Array } {
  return { messageKey: hmacSha256(chainKey, MESSAGE_KEY_SEED), nextChainKey: hmacSha256(chainKey, CHAIN_KEY_SEED) };
}

/** The one key of a chain used by the `session` crypto mode (no ratchet): derived from its first chain key. */
export function staticSessionKey(firstChainKey: Uint8Array): Uint8Array {
  return hmacSha256(firstChainKey, SESSION_KEY_SEED);
}

/** Advances the chain and returns the key of message number `n`. */
export function nextSendingKey(chain: SendingChain): { n: number; messageKey: Uint8Array } {
  const n = chain.n;
  const { messageKey, nextChainKey } = step(chain.key);
  chain.key = nextChainKey;
  chain.n = n + 1;
  return { n, messageKey };
}

/**
 * The key for counter `n`, without changing the chain: `commit` applies the change once the
 * message has decrypted, so a forged or replayed message leaves the state as it was.
 */
export function receivingKey(chain: ReceivingChain, n: number): { messageKey: Uint8Array; commit: () => void } {
  const skippedKey = chain.skipped?.get(n);
  if (skippedKey) return { messageKey: skippedKey, commit: () => void chain.skipped?.delete(n) };
  if (n < chain.n) throw new RatchetError(`message counter ${n} was already used (replay or duplicate)`);
  if (n - chain.n > MAX_SKIPPED_KEYS) throw new RatchetError(`message counter ${n} is more than ${MAX_SKIPPED_KEYS} ahead of ${chain.n}`);
  let key = chain.key;
  const skipped: [number, Uint8Array][] = [];
  for (let i = chain.n; i < n; i++) {
    const s = step(key);
    skipped.push([i, s.messageKey]);
    key = s.nextChainKey;
  }
  const { messageKey, nextChainKey } = step(key);
  return {
    messageKey,
    commit: () => {
      if (skipped.length > 0) {
        const kept = (chain.skipped ??= new Map());
        for (const [i, k] of skipped) kept.set(i, k);
        while (kept.size > MAX_SKIPPED_KEYS) kept.delete(kept.keys().next().value as number);
      }
      chain.key = nextChainKey;
      chain.n = n + 1;
    },
  };
}
