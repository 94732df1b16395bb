// Stopping k6 instances early (Ctrl-C, one instance failing, a start that never came, an overrun):
// each gets SIGINT once, then its own grace to stop its VUs and write its records and summary.
// k6 takes a second SIGINT as "abort now" (internal/cmd/common.go in k6 v2.2.0: exit 105 without
// handleSummary), so an instance already stopping is never signalled again, whoever asks. One still
// running when its grace is over is killed, and the reason is printed.
import type { ManagedProcess } from "../../environments/local/managed-process.ts";

/** What each instance is given from its SIGINT to write its records and summary. */
export const STOP_GRACE_MS = 10_000;

export class InstanceStopper {
  private readonly stopping = new Set<number>();

  constructor(private readonly runners: readonly ManagedProcess[], private readonly log: (line: string) => void, private readonly graceMs = STOP_GRACE_MS) {}

  /** SIGINT to every instance still running and not yet stopping, naming `reason`. */
  stopAll(reason: string): void {
    const pending = this.runners.map((_, i) => i).filter((i) => !this.stopping.has(i) && this.runners[i].isRunning());
    if (pending.length === 0) return;
    this.log(`${reason}: SIGINT to ${pending.map((i) => this.label(i)).join(", ")}; each has ${this.graceMs / 1000} s to write its records and summary`);
    for (const i of pending) this.stop(i, reason);
  }

  private stop(i: number, reason: string): void {
    const runner = this.runners[i];
    this.stopping.add(i);
    runner.signal("SIGINT");
    const timer = setTimeout(() => {
      if (!runner.isRunning()) return;
      this.log(`${this.label(i)} did not stop within ${this.graceMs} ms of its SIGINT (${reason}): killed (SIGKILL); its summary may be missing`);
      runner.signal("SIGKILL");
    }, this.graceMs);
    void runner.exited.then(() => clearTimeout(timer));
  }

  private label(i: number): string {
    return this.runners.length === 1 ? "k6" : `k6 instance ${i}`;
  }
}
