// The saturation guard's view from inside k6: how late a VU's periodic tick fires, reported as a
// client record once a second. A VU whose event loop cannot keep up fires its ticks late.
import { recordEvent } from "./client-events.ts";

/** How late a VU's ticks fire, reported once a second: a VU that cannot keep up fires them late. */
export class TickLag {
  private last = 0;
  private since = 0;
  private ticks = 0;
  private total = 0;
  private max = 0;

  constructor(private readonly vu: number, private readonly everyMs: number) {}

  tick(now: number): void {
    if (this.last > 0) {
      const late = Math.max(0, now - this.last - this.everyMs);
      this.ticks++;
      this.total += late;
      this.max = Math.max(this.max, late);
    } else this.since = now;
    this.last = now;
    if (now - this.since >= 1000 && this.ticks > 0) {
      recordEvent({ ev: "lag", vu: this.vu, t: now, ticks: this.ticks, everyMs: this.everyMs, maxLateMs: this.max, meanLateMs: Math.round(this.total / this.ticks) });
      this.since = now;
      this.ticks = this.total = this.max = 0;
    }
  }
}
