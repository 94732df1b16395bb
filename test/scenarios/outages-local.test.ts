// Runs the whole short outage suite on local processes: what every environment must show, and what
// only this run shows (the backlog restart, backoff against a naive retry, the flood's forward cap,
// the degraded network). The suite is in ../support/outage-short-suite.ts.
import { beforeAll, describe, expect, it } from "vitest";
import type { ScenarioResult } from "../../harness/run/run-scenario.ts";
import { describeWhatEveryEnvironmentShows, shortSuiteResults } from "../support/outage-short-suite.ts";

describeWhatEveryEnvironmentShows("local");

describe("the outage scenarios, short, on local processes only", () => {
  let results: Record<string, ScenarioResult>;

  beforeAll(async () => {
    results = await shortSuiteResults("local");
  }, 900_000);

  it("restart with a stored backlog: the relay reloads every queued message", () => {
    const r = results["restart-backlog"];
    expect(r.relay.backlog?.messages).toBe(5000);
    expect(r.relay.startups.at(-1)!.queuedLoaded).toBeGreaterThanOrEqual(5000);
  });

  it("outage: a naive fixed retry interval makes a sharper reconnect storm than jittered backoff", () => {
    const jitter = results["outage-jitter"].figures.windows[0].recovery;
    const naive = results["outage-naive"].figures.windows[0].recovery;
    process.stdout.write(`outage (local): peak logins/s jittered ${jitter.peakReconnectsPerS}, naive ${naive.peakReconnectsPerS}\n`);
    expect(naive.peakReconnectsPerS).toBeGreaterThan(jitter.peakReconnectsPerS);
    for (const r of [results["outage-jitter"], results["outage-naive"]]) expect(r.figures.windows[0].recovery.usersBack99Ms, r.name).not.toBeNull();
  });

  it("flood: the forward cap refuses forwards to more than 5 and shrinks the storm", () => {
    const open = results.flood.figures.byTag.chain;
    const capped = results["flood-cap-5"].figures.byTag.chain;
    process.stdout.write(`flood (local): chain messages ${open.sent} without cap, ${capped.sent} with cap 5; peak ${open.peakSentPerS}/s vs ${capped.peakSentPerS}/s\n`);
    expect(results["flood-cap-5"].figures.messages.rejected).toBeGreaterThan(0);
    expect(results.flood.figures.messages.rejected).toBe(0);
    expect(capped.sent).toBeLessThan(open.sent);
    expect(results.flood.figures.phases.map((p) => p.name)).toEqual(["before", "storm"]);
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
