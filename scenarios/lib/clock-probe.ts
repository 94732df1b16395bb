// How far this k6 instance's clock is from the server under test's, measured from inside k6 so a
// runner on another machine measures its own: the four-timestamp method (NTP's) on the relay's
// `challenge`, which carries `serverTime` and needs no login: t0 before the WebSocket opens, t3 when
// the challenge arrives (clock-estimate.ts). Targets whose servers send no time record nothing.
import { WebSocket } from "k6/websockets";
import { recordEvent } from "./client-events.ts";
import { clockEstimate, type ClockSample } from "./clock-estimate.ts";

const PROBES = 5;
const PROBE_TIMEOUT_MS = 3000;

/** Opens PROBES connections one after another and records `{ev: "clock"}` with the estimate (none when no challenge came). */
export async function probeServerClock(url: string): Promise<void> {
  const samples: ClockSample[] = [];
  for (let i = 0; i < PROBES; i++) {
    const sample = await challengeTime(url);
    if (sample) samples.push(sample);
  }
  const estimate = clockEstimate(samples);
  if (estimate) recordEvent({ ev: "clock", t: Date.now(), ...estimate });
}

function challengeTime(url: string): Promise<ClockSample | null> {
  return new Promise((resolve) => {
    let done = false;
    const t0 = Date.now();
    const socket = new WebSocket(url);
    const finish = (sample: ClockSample | null) => {
      if (done) return;
      done = true;
      try {
        socket.close();
      } catch {
        // already closed
      }
      resolve(sample);
    };
    // not cleared: a finished probe's timer only resolves nothing (see server-link.ts on clearTimeout in k6)
    setTimeout(() => finish(null), PROBE_TIMEOUT_MS);
    socket.onmessage = (m) => {
      const t3 = Date.now();
      try {
        const frame = JSON.parse(String(m?.data)) as { type?: string; serverTime?: unknown };
        finish(frame.type === "challenge" && typeof frame.serverTime === "number" ? { t0, serverTime: frame.serverTime, t3 } : null);
      } catch {
        finish(null);
      }
    };
    socket.onerror = () => finish(null);
    socket.onclose = () => finish(null);
  });
}
