// When a VU is done: at the end of the drain, or earlier once settled: 2 s after sending ended,
// nothing delivered to its users for 2 s and no message of theirs waiting for its acknowledgement.
import type { SimulatedUser } from "./simulated-user.ts";
import type { VuPhases } from "./vu-timers.ts";

const SETTLED_MS = 2000;

export class DrainDetection {
  private lastDelivered = 0;
  private lastChangeAt = Date.now();

  constructor(private readonly phases: Pick<VuPhases, "sendUntil" | "drainUntil">) {}

  /** `delivered`: the VU's count of deliveries so far. */
  done(now: number, delivered: number, users: SimulatedUser[]): boolean {
    if (delivered !== this.lastDelivered) {
      this.lastDelivered = delivered;
      this.lastChangeAt = now;
    }
    const settled = now >= this.phases.sendUntil + SETTLED_MS && now - this.lastChangeAt > SETTLED_MS && users.every((u) => u.outbox.size === 0);
    return now >= this.phases.drainUntil || settled;
  }
}
