// Runs the real main job (k6 + Toxiproxy + relay) with a 10-second, 200 ms downstream latency
// fault and checks from the recorded data that delivery latency rose by 200 ms only inside it (within
// the run's own spread outside the fault, so a busy machine widens the tolerance it is judged by), and
// that the load went out evenly spaced, not in bursts.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { MessageRecord } from "../../harness/record/message-records.ts";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import type { FaultRecord } from "../../harness/timeline/fault-timeline.ts";
import { scenarioSettings, vuCount } from "../../scenarios/lib/scenario-settings.ts";
import { requireTool } from "../support/require-tool.ts";

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)];
const median = (xs: number[]) => quantile(xs, 0.5);
const readLines = <T>(file: string): T[] => readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as T);
/** messages in flight when a fault starts or ends straddle it: leave out this margin at each edge */
const EDGE_MS = 1000;

const USERS = 40;
const RATE = 30;

describe("a latency fault on the timeline", () => {
  let dir = "";
  let messages: MessageRecord[] = [];

  beforeAll(async () => {
    await requireTool("k6");
    await requireTool("toxiproxy-server");
    dir = mkdtempSync(join(tmpdir(), "latency-run-"));
    const suite = join(dir, "latency.json");
    writeFileSync(suite, JSON.stringify({
      name: "latency-window",
      scenarios: [{
        scenario: "steady", users: USERS, rate: RATE, warmup: "4s", duration: "32s", drain: "5s",
        timeline: [{ at: "14s", for: "10s", target: "all-paths", direction: "downstream", fault: { kind: "latency", latencyMs: 200 } }],
      }],
    }));
    const run = spawnSync(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "--suite", suite, "--env", "local", "--reports", dir], { encoding: "utf8", timeout: 150_000 });
    expect(run.status, `chaos run failed:\n${run.stdout}\n${run.stderr}`).toBe(0);
    messages = readLines<MessageRecord>(join(dir, "latest", "steady", "messages.jsonl"));
  });

  it("raises delivery latency by 200 ms (within the spread outside it) during its window, and not before or after", () => {
    const summary = JSON.parse(readFileSync(join(dir, "latest", "summary.json"), "utf8")) as RunSummary;
    const faults = readLines<FaultRecord>(join(dir, "latest", "steady", "faults.jsonl"));
    const inject = faults.find((f) => f.event === "inject")!;
    const heal = faults.find((f) => f.event === "heal")!;
    expect(inject.ok && heal.ok).toBe(true);
    expect(heal.requestedAt - inject.requestedAt).toBeGreaterThanOrEqual(9_900);
    expect(heal.requestedAt - inject.requestedAt).toBeLessThan(11_000);

    const firstSend = Math.min(...messages.map((m) => m.sentAt));
    const latencies = (from: number, to: number) => messages.filter((m) => m.sentAt >= from && m.sentAt < to && m.latencyMs !== null).map((m) => m.latencyMs!);
    const before = latencies(firstSend + 2000, inject.requestedAt - EDGE_MS);
    const during = latencies(inject.appliedAt + EDGE_MS, heal.requestedAt - EDGE_MS);
    const after = latencies(heal.appliedAt + EDGE_MS, Infinity);
    for (const [name, xs] of [["before", before], ["during", during], ["after", after]] as const) expect(xs.length, `messages delivered ${name} the fault`).toBeGreaterThan(50);

    // the tolerance is the run's own noise: the spread of the latencies outside the fault (at least 20 ms)
    const outside = [...before, ...after];
    const tolerance = Math.max(20, quantile(outside, 0.75) - quantile(outside, 0.25));
    const rise = median(during) - median(before);
    const seen = `latency window: median before ${median(before)} ms, during ${median(during)} ms, after ${median(after)} ms; rise ${rise} ms (expected 200 ± ${tolerance}); fastest during ${Math.min(...during)} ms`;
    process.stdout.write(`${seen}\n`);
    // no message sent inside the window can arrive sooner than the toxic lets it, however busy the machine
    expect(Math.min(...during), seen).toBeGreaterThanOrEqual(199);
    expect(rise, seen).toBeGreaterThanOrEqual(200 - tolerance);
    expect(rise, seen).toBeLessThanOrEqual(200 + tolerance);
    expect(Math.abs(median(after) - median(before)), seen).toBeLessThan(tolerance);
    expect(summary.scenarios[0].figures.messages.lostAfterAck).toBe(0);
    expect(summary.environment.kind).toBe("local");
  });

  it("sends each VU's share of the rate evenly spaced, not a tick's worth at once", () => {
    // a VU holds the users whose index is its number modulo the VU count (scenarios/lib/run-users.ts)
    const vus = vuCount(scenarioSettings("steady", { users: USERS }));
    const gaps = Array.from({ length: vus }, (_, vu) => {
      const times = messages.filter((m) => m.tag === "chat" && m.from % vus === vu).map((m) => m.sentAt).sort((a, b) => a - b);
      return times.slice(1).map((t, i) => t - times[i]);
    }).flat();
    const close = gaps.filter((g) => g < 2).length;
    process.stdout.write(`send spacing: ${close} of ${gaps.length} gaps between one VU's sends under 2 ms (${RATE / vus} msg/s per VU)\n`);
    // in one burst per 100 ms tick, every other tick sent two messages in the same millisecond (a third of the gaps)
    expect(gaps.length).toBeGreaterThan(500);
    expect(close / gaps.length).toBeLessThan(0.1);
  });
});
