// Runs the worldwide outage (jittered backoff against a naive fixed retry) and the degraded network
// from the short outage suite (../support/outage-short-suite.ts), on local processes only.
import { beforeAll, describe, expect, it } from "vitest";
import { itHoldsForEveryScenario, runShortSuite, type ShortResults } from "../support/outage-short-suite.ts";

describe("the outage and the degraded network, short, on local processes", () => {
  let results: ShortResults;

  beforeAll(async () => {
    results = await runShortSuite("local", ["outage-jitter", "outage-naive", "degraded"]);
  }, 900_000);

  itHoldsForEveryScenario(() => results);

  it("outage: a naive fixed retry interval makes a sharper reconnect storm than jittered backoff", () => {
    const jitter = results["outage-jitter"].figures.windows[0].recovery;
    const naive = results["outage-naive"].figures.windows[0].recovery;
    process.stdout.write(`outage (local): peak logins/s jittered ${jitter.peakReconnectsPerS}, naive ${naive.peakReconnectsPerS}\n`);
    expect(naive.peakReconnectsPerS).toBeGreaterThan(jitter.peakReconnectsPerS);
    for (const r of [results["outage-jitter"], results["outage-naive"]]) expect(r.figures.windows[0].recovery.usersBack99Ms, r.name).not.toBeNull();
  });

  it("degraded: the throttled and the slow windows measurably slow delivery, and every window still delivers every message", () => {
    const r = results.degraded;
    // 1 KB/s each way holds every frame about a millisecond per byte; 300 ± 200 ms each way adds at least 200 ms
    for (const w of r.figures.windows.filter((x) => x.kind === "bandwidth" || x.kind === "latency")) {
      const seen = `${w.kind}: median delivery ${w.before.latencyMs.p50} ms before, ${w.during?.latencyMs.p50} ms during (${w.during?.delivered} delivered)`;
      expect(w.during?.delivered, seen).toBeGreaterThan(10);
      expect(w.during?.latencyMs.p50! - w.before.latencyMs.p50!, seen).toBeGreaterThanOrEqual(200);
    }
    expect(r.figures.messages.neverAcked).toBe(0);
    expect(r.figures.messages.delivered).toBe(r.figures.messages.sent - r.figures.messages.rejected);
    expect(r.figures.windows.map((w) => w.kind)).toEqual(["bandwidth", "latency", "slicer"]);
  });
});
