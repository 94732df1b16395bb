// The same seed over one k6 and over two (--segments 2) gives the same run: the same message counts,
// the same checker verdicts, and the fault window at the same place within the stated clock bound.
//
// Why the counts can be identical although sending is time-driven: a VU's users come from its
// exec.vu.idInTest (the same ids with or without segments, thanks to the shared sequence) and its
// random source from the seed and that id, so the same VU sends for the same users. How many it
// sends is its share of the rate times the sending time, taken at each send tick (send-budget.ts):
// the last tick falls within one tick before the end of sending. At 1.5 msg/s per VU the tick is
// 100 ms (vu-timers.ts), so over 7 s the budget at the last tick is between 10.35 and 10.5: ten
// messages per VU whenever that tick is less than 230 ms late. That is the shape that makes the
// counts a function of the seed alone: a budget whose end is half a message away from a whole one.
// The latency fault changes no count; its window is where the two runs are compared in time.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import { requireTool } from "../support/require-tool.ts";
import { readRunFile, runChaos, type ChaosRun } from "../support/run-chaos.ts";

const VUS = 4;
// 24 users over 4 VUs at 6 msg/s: 1.5 msg/s per VU, 10 per VU over 7 s
const SCENARIO = {
  scenario: "steady", users: 24, rate: 6, seed: 7, warmup: "4s", duration: "7s", drain: "3s",
  timeline: [{ at: "6s", for: "2s", target: "all-paths", direction: "downstream", fault: { kind: "latency", latencyMs: 150 } }],
};
// the timeline's own timer and Toxiproxy call, in either run: not a clock difference
const SCHEDULING_SLACK_MS = 50;

async function run(segments: number): Promise<{ run: ChaosRun; summary: RunSummary }> {
  const dir = mkdtempSync(join(tmpdir(), `same-seed-${segments}-`));
  const suite = join(dir, "suite.json");
  writeFileSync(suite, JSON.stringify({ name: "same-seed", scenarios: [SCENARIO] }));
  const chaos = await runChaos(["--suite", suite, "--env", "local", "--reports", dir, "--segments", String(segments), "--vus", String(VUS)]);
  return { run: chaos, summary: readRunFile<RunSummary>(chaos, "summary.json") };
}

describe("the same seed over one k6 and over two (--segments 2)", () => {
  let one: { run: ChaosRun; summary: RunSummary };
  let two: { run: ChaosRun; summary: RunSummary };

  beforeAll(async () => {
    await requireTool("k6");
    await requireTool("toxiproxy-server");
    // one after the other (about 15 s each): side by side, one pair in five failed before its checks
    one = await run(1);
    two = await run(2);
  }, 120_000);

  it("both runs pass, and the two-instance run really had two instances", () => {
    for (const r of [one, two]) expect(r.run.code, `${r.run.out}\n${r.run.err}`).toBe(0);
    expect(two.summary.scenarios[0].load.instances!.count).toBe(2);
    expect(one.summary.scenarios[0].load.instances).toBeUndefined();
  });

  it("gives the same message counts", () => {
    const counts = (r: RunSummary) => {
      const { sent, acked, delivered, lostAfterAck, neverAcked, duplicates, decryptFailures, rejected } = r.scenarios[0].figures.messages;
      return { sent, acked, delivered, lostAfterAck, neverAcked, duplicates, decryptFailures, rejected };
    };
    expect(counts(two.summary)).toEqual(counts(one.summary));
    // the chat messages alone: exactly 10 per VU in both (the warm-up greetings besides)
    for (const r of [one, two]) expect(r.summary.scenarios[0].figures.byTag.chat?.sent).toBe(10 * VUS);
  });

  it("gives the same checker verdicts", () => {
    const verdicts = (r: RunSummary) => Object.fromEntries(r.scenarios[0].checks.map((c) => [c.name, c.status]));
    expect(Object.keys(verdicts(one.summary)).length).toBeGreaterThan(3);
    expect(verdicts(two.summary)).toEqual(verdicts(one.summary));
  });

  it("puts the fault window at the same place, within the stated clock bound", () => {
    const bound = two.summary.scenarios[0].load.instances!.clock.residualBoundMs;
    expect(bound, "the two-instance run states its clock bound").not.toBeNull();
    const window = (r: RunSummary) => {
      const s = r.scenarios[0];
      const w = s.figures.windows[0];
      return { injected: w.injectedAt! - s.startedAt!, healed: w.healedAt! - s.startedAt! };
    };
    const [a, b] = [window(one.summary), window(two.summary)];
    expect(Math.abs(a.injected - 6000)).toBeLessThan(SCHEDULING_SLACK_MS);
    expect(Math.abs(b.injected - a.injected)).toBeLessThanOrEqual(bound! + SCHEDULING_SLACK_MS);
    expect(Math.abs(b.healed - a.healed)).toBeLessThanOrEqual(bound! + SCHEDULING_SLACK_MS);
  });
});
