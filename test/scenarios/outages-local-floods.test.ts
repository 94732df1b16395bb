// Runs the chain-letter floods (with and without the relay's forward cap) and a restart over a stored
// backlog from the short outage suite (../support/outage-short-suite.ts), on local processes only.
import { beforeAll, describe, expect, it } from "vitest";
import { itHoldsForEveryScenario, runShortSuite, type ShortResults } from "../support/outage-short-suite.ts";

describe("the floods and the backlog restart, short, on local processes", () => {
  let results: ShortResults;

  beforeAll(async () => {
    results = await runShortSuite("local", ["flood", "flood-cap-5", "restart-backlog"]);
  }, 900_000);

  itHoldsForEveryScenario(() => results);

  it("restart with a stored backlog: the relay reloads every queued message", () => {
    const r = results["restart-backlog"];
    expect(r.relay.backlog?.messages).toBe(5000);
    expect(r.relay.startups.at(-1)!.queuedLoaded).toBeGreaterThanOrEqual(5000);
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
});
