// A VU's times and its one timer. The scenario's clock starts once the sign-ins that do not fit in
// the warm-up's first half are done; sending runs from the end of the warm-up for the duration,
// then the drain. The timer fires about once per message of the VU's share of the rate (sends) and
// about every 100 ms does the bookkeeping; each firing is measured for lateness (tick-lag.ts).
import { recordEvent } from "./client-events.ts";
import { signInBeforeClockS, type ScenarioSettings } from "./scenario-settings.ts";
import { TickLag } from "./tick-lag.ts";

/** How often a VU acknowledges, checks liveness and writes its records and counts. */
export const TICK_MS = 100;
const MIN_SEND_TICK_MS = 10;

/** When a VU's phases begin and end (epoch ms). */
export interface VuPhases {
  /** the scenario's clock: its `start` record */
  startedAt: number;
  sendFrom: number;
  sendUntil: number;
  drainUntil: number;
}

export function vuPhases(settings: Pick<ScenarioSettings, "users" | "warmupS" | "durationS" | "drainS">, k6StartTime: number): VuPhases {
  const startedAt = k6StartTime + signInBeforeClockS(settings) * 1000;
  const sendFrom = startedAt + settings.warmupS * 1000;
  const sendUntil = sendFrom + settings.durationS * 1000;
  return { startedAt, sendFrom, sendUntil, drainUntil: sendUntil + settings.drainS * 1000 };
}

/** Writes the scenario's `start` record when its clock starts (one VU does). */
export function recordStartAt(startedAt: number, vus: number): void {
  setTimeout(() => recordEvent({ ev: "start", t: startedAt, vus }), startedAt - Date.now());
}

/**
 * How often a VU sends what is due: about once per message of its share of the rate, from 10 ms
 * up to the bookkeeping tick. Messages go out evenly spaced, as k6's constant-arrival-rate
 * executor spaces iterations; sending a tick's worth at once made bursts that queued behind each
 * other's durable store at the relay (delivery p50 at 40 msg/s: 4 ms in bursts, 3 ms spaced).
 */
export function sendTickMs(ratePerVu: number): number {
  return ratePerVu <= 0 ? TICK_MS : Math.min(TICK_MS, Math.max(MIN_SEND_TICK_MS, Math.floor(1000 / ratePerVu)));
}

export interface TickWork {
  /** every firing */
  send: (now: number) => void;
  /** on the firing nearest to TICK_MS after the last bookkeeping; true ends the timer */
  bookkeep: (now: number) => boolean;
}

/** Runs the VU's timer every `everyMs` until `bookkeep` says done; resolves then. */
export function runTicks(vu: number, everyMs: number, work: TickWork): Promise<void> {
  const lag = new TickLag(vu, everyMs);
  let bookkeptAt = 0;
  return new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = Date.now();
      lag.tick(now);
      work.send(now);
      if (now - bookkeptAt < TICK_MS - everyMs / 2) return;
      bookkeptAt = now;
      if (!work.bookkeep(now)) return;
      clearInterval(timer);
      resolve();
    }, everyMs);
  });
}
