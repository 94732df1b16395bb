// A prekey directory with the relay's semantics, in memory, for protocol tests: each one-time
// prekey is handed out once.
import { toBase64 } from "../../harness/protocol/bytes.ts";
import type { PrekeyBundle } from "../../harness/protocol/frames.ts";
import type { Identity } from "../../harness/protocol/identity.ts";
import { publishFields, type PrekeyRing } from "../../harness/protocol/prekeys.ts";

export function prekeyDirectory() {
  const published = new Map<string, PrekeyBundle & { stock: { id: number; key: string }[] }>();
  return {
    publish(identity: Identity, ring: PrekeyRing) {
      const f = publishFields(identity, ring);
      published.set(identity.userId, { userId: identity.userId, signingKey: toBase64(identity.signingPublic), dhKey: f.dhKey, dhKeySig: f.dhKeySig, signedPrekey: f.signedPrekey, stock: f.oneTimePrekeys, oneTimeRemaining: 0 });
    },
    async fetch(userId: string): Promise<PrekeyBundle> {
      const entry = published.get(userId);
      if (!entry) throw new Error(`no prekeys for ${userId}`);
      const { stock, ...bundle } = entry;
      const oneTimePrekey = stock.shift();
      return { ...bundle, ...(oneTimePrekey ? { oneTimePrekey } : {}), oneTimeRemaining: stock.length };
    },
  };
}
