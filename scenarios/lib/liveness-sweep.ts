// Each user's liveness (ping when quiet, reconnect when silent too long) is checked on a slice of
// the users every bookkeeping tick, so that every user is checked once per `ticks` ticks.
import type { ScenarioSettings } from "./scenario-settings.ts";
import type { SimulatedUser } from "./simulated-user.ts";
import { TICK_MS } from "./vu-timers.ts";

/**
 * How often each user's liveness (ping, silence) is checked, in ticks: a tenth of the silence
 * timeout and half the ping interval, between one tick and 2 s. Checking more often only costs:
 * with 10,000 users, a check every 500 ms took a quarter of a core of k6's property lookups.
 */
export function keepAliveTicks(settings: Pick<ScenarioSettings, "silenceTimeoutMs" | "pingIntervalMs">): number {
  const everyMs = Math.min(settings.silenceTimeoutMs / 10, settings.pingIntervalMs / 2, 2000);
  return Math.max(1, Math.floor(everyMs / TICK_MS));
}

export class LivenessSweep {
  private cursor = 0;

  constructor(private readonly ticks: number) {}

  /** One tick's slice, from where the last one stopped. */
  check(users: SimulatedUser[], now: number): void {
    const slice = Math.ceil(users.length / this.ticks);
    for (let i = 0; i < slice && users.length > 0; i++, this.cursor = (this.cursor + 1) % users.length) users[this.cursor].driver.keepAlive(now);
  }
}
