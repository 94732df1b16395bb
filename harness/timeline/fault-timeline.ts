// Runs a validated timeline against a live environment on the load's clock: each entry is
// injected at t0 + at and healed at t0 + at + for. Every inject and heal is recorded with the
// time it was requested and the times it took effect (on several paths, applied concurrently: on
// the first and on the last). healAll() heals whatever is still active
// (the engine calls it in `finally`, on Ctrl-C too); heals are idempotent.
import type { Environment } from "../environments/environment.ts";
import type { FaultContext } from "../faults/fault-kind.ts";
import { FAULT_KINDS } from "../faults/registry.ts";
import type { TimelineEntry } from "./timeline-entry.ts";

export interface FaultRecord {
  event: "inject" | "heal";
  entry: number;
  kind: string;
  target: string;
  requestedAt: number;
  /** when it took effect; on several paths: on the first */
  appliedAt: number;
  /** on several paths: when it took effect on the last (else appliedAt) */
  lastAppliedAt: number;
  ok: boolean;
  error?: string;
}

export class FaultTimeline {
  private readonly timers: ReturnType<typeof setTimeout>[] = [];
  private readonly injected = new Set<number>();
  /** per entry: the last operation, so a heal never overtakes its inject */
  private readonly chains = new Map<number, Promise<void>>();

  constructor(
    private readonly entries: TimelineEntry[],
    private readonly env: Environment,
    private readonly onRecord: (record: FaultRecord) => void,
  ) {}

  start(t0: number): void {
    for (const entry of this.entries) {
      this.at(t0 + entry.atMs, () => {
        const injected = this.apply(entry, "inject");
        // the heal's timer is made once the inject is under way: made together, a heal of the same
        // moment (a 0 s restart) could fire first (Node orders timers by their delay, which the two
        // Date.now() reads can make 1 ms shorter), and a heal before its inject does nothing
        if (entry.forMs !== null) this.at(t0 + entry.atMs + entry.forMs, () => this.apply(entry, "heal"));
        return injected;
      });
    }
  }

  /** Entries injected and not yet healed. */
  active(): TimelineEntry[] {
    return this.entries.filter((e) => this.injected.has(e.index));
  }

  /** Cancels what has not started and heals every entry that was injected (or is being injected). */
  async healAll(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
    await Promise.all([...this.chains.values()]);
    for (const entry of this.entries) {
      if (this.injected.has(entry.index)) await this.apply(entry, "heal");
    }
  }

  private at(time: number, task: () => Promise<void>): void {
    this.timers.push(setTimeout(() => void task(), Math.max(0, time - Date.now())));
  }

  private apply(entry: TimelineEntry, event: "inject" | "heal"): Promise<void> {
    const requestedAt = Date.now();
    const run = async () => {
      if (event === "heal" && !this.injected.has(entry.index)) return;
      const kind = FAULT_KINDS[entry.kind];
      const pathTimes: number[] = [];
      const ctx: FaultContext = {
        env: this.env, paths: entry.paths, direction: entry.direction, toxicity: entry.toxicity, params: entry.params, name: `t${entry.index}-${entry.kind}`,
        onPathApplied: () => pathTimes.push(Date.now()),
      };
      let error: string | undefined;
      try {
        if (event === "inject") this.injected.add(entry.index);
        await (event === "inject" ? kind.inject(ctx) : kind.heal(ctx));
        if (event === "heal") this.injected.delete(entry.index);
      } catch (e) {
        error = (e as Error).message;
      }
      const done = Date.now();
      const [appliedAt, lastAppliedAt] = pathTimes.length ? [Math.min(...pathTimes), Math.max(...pathTimes)] : [done, done];
      this.onRecord({ event, entry: entry.index, kind: entry.kind, target: entry.target, requestedAt, appliedAt, lastAppliedAt, ok: !error, ...(error ? { error } : {}) });
    };
    const next = (this.chains.get(entry.index) ?? Promise.resolve()).then(run);
    this.chains.set(entry.index, next);
    return next;
  }
}
