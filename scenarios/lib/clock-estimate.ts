// The four-timestamp method (NTP's) with one server stamp: the client notes t0 before it asks and t3
// when the answer arrives; the server stamped its answer between the two, so the server's clock
// minus the client's is serverTime - (t0 + t3) / 2 within +-(t3 - t0) / 2. Of several exchanges,
// the one with the shortest round trip gives the tightest bound. Plain code: k6 and Node import it.

export interface ClockSample { t0: number; serverTime: number; t3: number }

export interface ClockEstimate {
  /** server clock minus this instance's clock, ms */
  offsetMs: number;
  /** the true offset lies within offsetMs +- boundMs */
  boundMs: number;
  /** exchanges the estimate was chosen from */
  samples: number;
}

/** The estimate of the sample with the shortest round trip (null: no sample). */
export function clockEstimate(samples: readonly ClockSample[]): ClockEstimate | null {
  let best: ClockSample | null = null;
  for (const s of samples) if (!best || s.t3 - s.t0 < best.t3 - best.t0) best = s;
  if (!best) return null;
  return { offsetMs: best.serverTime - (best.t0 + best.t3) / 2, boundMs: (best.t3 - best.t0) / 2, samples: samples.length };
}
