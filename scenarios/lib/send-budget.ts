// How many messages a VU owes at each send tick: its share of the rate times the time since the
// last tick, within the sending window, carried over in fractions between ticks.
import type { VuPhases } from "./vu-timers.ts";

export class SendBudget {
  private budget = 0;
  private previousTickAt: number;

  constructor(private readonly ratePerVu: number, private readonly phases: Pick<VuPhases, "sendFrom" | "sendUntil">) {
    this.previousTickAt = phases.sendFrom;
  }

  /** Whole messages due at `now` (the fraction is kept); none outside the window or while nobody can send. */
  due(now: number, canSend: boolean): number {
    const lastTickAt = this.previousTickAt;
    this.previousTickAt = now;
    const { sendFrom, sendUntil } = this.phases;
    if (now < sendFrom || now >= sendUntil || !canSend) return 0;
    // by the time elapsed, not the tick's nominal length: a late tick must not lower the rate
    this.budget += (this.ratePerVu * (now - Math.max(sendFrom, lastTickAt))) / 1000;
    let due = 0;
    for (; this.budget >= 1; this.budget--) due++;
    return due;
  }
}
