// A newcomer's prekey bundle requests: each timed from its first request, retried when the relay
// says it is busy, resent after a reconnect, and noted with the one-time prekey it carried (none:
// the contact's stock is exhausted and the agreement falls back to the signed prekey).
import type { PrekeyBundle } from "../../../harness/protocol/frames.ts";
import type { ServerDriver } from "../drivers/server-driver.ts";
import type { BundleFetch } from "./sign-up-record.ts";

interface Pending { userId: string; fetch: BundleFetch; resolve: (bundle: PrekeyBundle) => void }

export class BundleFetches {
  readonly done: BundleFetch[] = [];
  private readonly pending = new Map<string, Pending>();
  private seq = 0;

  constructor(private readonly driver: () => ServerDriver, private readonly indexOf: (userId: string) => number) {}

  /** Asks for `userId`'s bundle; resolves when the relay hands one out. */
  fetch(userId: string): Promise<PrekeyBundle> {
    const reqId = `f${++this.seq}`;
    const fetch: BundleFetch = { contact: this.indexOf(userId), at: Date.now(), latencyMs: null, oneTimePrekey: null, retries: 0 };
    this.done.push(fetch);
    return new Promise((resolve) => {
      this.pending.set(reqId, { userId, fetch, resolve });
      this.driver().fetchPrekeys(reqId, userId);
    });
  }

  /** false: not one of ours */
  onBundle(reqId: string, bundle: PrekeyBundle): boolean {
    const p = this.pending.get(reqId);
    if (!p) return false;
    this.pending.delete(reqId);
    p.fetch.latencyMs = Date.now() - p.fetch.at;
    p.fetch.oneTimePrekey = bundle.oneTimePrekey?.id ?? null;
    p.resolve(bundle);
    return true;
  }

  /** The relay was busy: ask again after `retryAfterMs`. false: not one of ours. */
  onBusy(reqId: string, retryAfterMs: number): boolean {
    const p = this.pending.get(reqId);
    if (!p) return false;
    p.fetch.retries++;
    setTimeout(() => {
      if (this.pending.has(reqId)) this.driver().fetchPrekeys(reqId, p.userId);
    }, retryAfterMs);
    return true;
  }

  /** After a reconnect: every request not answered yet, again. */
  resend(): void {
    for (const [reqId, p] of this.pending) this.driver().fetchPrekeys(reqId, p.userId);
  }

  /** Forgets what is still pending (the sign-up ended). */
  clear(): void {
    this.pending.clear();
  }
}
