// The live status of a running scenario: one line, redrawn in a terminal, printed every few
// seconds otherwise (CI logs).
import { availableParallelism } from "node:os";
import type { LiveStats } from "./live-stats.ts";

export interface ProgressState {
  scenario: string;
  startedAt: number | null;
  totalS: number;
  activeFaults: string[];
  users: number;
  stats: LiveStats;
  /** k6's CPU over the last second, cores (absent or null: not sampled) */
  k6CpuCores?: number | null;
  /** the whole machine's CPU over the same second, cores (absent or null: not sampled) */
  machineBusyCores?: number | null;
}

const clock = (s: number) => `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

export function progressLine(state: ProgressState, now: number): string {
  const elapsed = state.startedAt === null ? 0 : (now - state.startedAt) / 1000;
  const faults = state.activeFaults.length ? state.activeFaults.join(", ") : "none";
  const s = state.stats;
  const cores = availableParallelism();
  const machine = state.machineBusyCores == null ? "" : `, machine ${Math.min(state.machineBusyCores, cores).toFixed(1)}/${cores}`;
  const k6Cpu = state.k6CpuCores == null ? "" : ` | k6 CPU ${state.k6CpuCores.toFixed(1)}/${cores}${machine}`;
  return `[${state.scenario}] ${clock(elapsed)}/${clock(state.totalS)} | faults: ${faults} | ${s.deliveredPerSecond(now).toFixed(1)} msg/s | users ${s.connectedUsers()}/${state.users} | sent ${s.sent} acked ${s.acked} delivered ${s.delivered}${k6Cpu}`;
}

export class ProgressPrinter {
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastPrinted = 0;
  private readonly tty = Boolean(process.stdout.isTTY);

  constructor(private readonly state: ProgressState, private readonly everyMsWithoutTty = 5000) {}

  start(): void {
    this.timer = setInterval(() => this.draw(), 1000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.draw(true);
    if (this.tty) process.stdout.write("\n");
  }

  private draw(force = false): void {
    const now = Date.now();
    const line = progressLine(this.state, now);
    if (this.tty) process.stdout.write(`\r\x1b[2K${line}`);
    else if (force || now - this.lastPrinted >= this.everyMsWithoutTty) {
      process.stdout.write(`${line}\n`);
      this.lastPrinted = now;
    }
  }
}
