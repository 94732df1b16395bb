// How far the collector's node clock is from the relay's, measured as each k6 runner measures its
// own (scenarios/lib/clock-probe.ts): the relay's `challenge` carries `serverTime`; of several
// connections opened one after another on the same path, the fastest round trip gives the estimate
// (clock-estimate.ts). `analyse` puts the collector's fault records on the merged clock with it.
import WebSocket from "ws";
import { clockEstimate, type ClockEstimate, type ClockSample } from "../../../../scenarios/lib/clock-estimate.ts";

export const COLLECTOR_CLOCK_FILE = "collector-clock.json";
const PROBES = 5;
const PROBE_TIMEOUT_MS = 3000;

/** collector-clock.json: the estimate, or null and why. */
export interface CollectorClock {
  url: string;
  measured: ClockEstimate | null;
  why?: string;
}

/** Probes `url` until the relay answers (a pod may still be starting), at most `timeoutMs`. */
export async function probeCollectorClock(url: string, timeoutMs: number, probes = PROBES): Promise<CollectorClock> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const samples: ClockSample[] = [];
    for (let i = 0; i < probes; i++) {
      const sample = await challengeTime(url);
      if (sample) samples.push(sample);
    }
    const measured = clockEstimate(samples);
    if (measured) return { url, measured };
    if (Date.now() > until) return { url, measured: null, why: `no challenge with serverTime from ${url} within ${timeoutMs} ms` };
    await new Promise((r) => setTimeout(r, 500));
  }
}

function challengeTime(url: string): Promise<ClockSample | null> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const socket = new WebSocket(url);
    const timer = setTimeout(() => finish(null), PROBE_TIMEOUT_MS);
    function finish(sample: ClockSample | null): void {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on("error", () => {});
      socket.terminate();
      resolve(sample);
    }
    socket.on("message", (data) => {
      const t3 = Date.now();
      try {
        const frame = JSON.parse(String(data)) as { type?: string; serverTime?: unknown };
        finish(frame.type === "challenge" && typeof frame.serverTime === "number" ? { t0, serverTime: frame.serverTime, t3 } : null);
      } catch {
        finish(null);
      }
    });
    socket.on("error", () => finish(null));
    socket.on("close", () => finish(null));
  });
}
