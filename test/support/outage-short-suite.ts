// The short outage suite (every outage scenario, short, through the real main job) and the
// properties that must hold whatever the machine's speed and whichever environment ran it. What both
// environments must agree on (a relay restart and crash, an IP block through the proxies) runs in
// each (outages-containers.test.ts, outages-local.test.ts); the rest runs once, on local processes,
// in two more files so that no file holds the others up (outages-local-*.test.ts).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import { summaryIssues } from "../../harness/report/summary/summary-issues.ts";
import type { ScenarioResult } from "../../harness/run/run-scenario.ts";
import { requireImages, requireTool } from "./require-tool.ts";

const SHORT_SCENARIOS = [
  { name: "flood", scenario: "flood", users: 100, duration: "18s", drain: "15s", k6Env: { STORM_AT_S: "6", STORM_FOR_S: "6" }, relay: { RELAY_RATE_PER_SEC: 10, RELAY_RATE_BURST: 16 } },
  { name: "flood-cap-5", scenario: "flood", users: 100, duration: "18s", drain: "15s", k6Env: { STORM_AT_S: "6", STORM_FOR_S: "6" }, relay: { RELAY_RATE_PER_SEC: 10, RELAY_RATE_BURST: 16, RELAY_FORWARD_CAP: 5 } },
  { name: "restart", scenario: "restart", users: 40, duration: "22s", timeline: [
    { at: "8s", for: "0s", target: "relay", fault: { kind: "relay-restart" } },
    { at: "15s", for: "2s", target: "relay", fault: { kind: "relay-crash" } },
  ] },
  { name: "restart-backlog", scenario: "restart", users: 30, duration: "14s", backlog: 5000, relay: { RELAY_RATE_PER_SEC: 1000000, RELAY_RATE_BURST: 1000000 }, timeline: [
    { at: "7s", for: "0s", target: "relay", fault: { kind: "relay-restart" } },
  ] },
  { name: "ip-block", scenario: "ip-block", users: 40, duration: "30s", timeline: [
    { at: "8s", for: "20s", target: "direct", fault: { kind: "blackhole" } },
    { at: "15s", for: "13s", target: "proxy-1", fault: { kind: "blackhole" } },
  ] },
  // a 1 s connect timeout (3 s by default): in a 12 s outage the backoff, not attempts hanging in
  // the blackhole until its heal, sets when each user tries again
  { name: "outage-jitter", scenario: "outage", users: 150, duration: "26s", timeline: [{ at: "6s", for: "12s", target: "all-paths", fault: { kind: "blackhole" } }], k6Env: { CONNECT_TIMEOUT_MS: "1000" } },
  { name: "outage-naive", scenario: "outage", users: 150, duration: "26s", timeline: [{ at: "6s", for: "12s", target: "all-paths", fault: { kind: "blackhole" } }], k6Env: { BACKOFF: "fixed", BACKOFF_BASE_MS: "1000", CONNECT_TIMEOUT_MS: "1000" } },
  { name: "degraded", scenario: "degraded", users: 30, duration: "25s", timeline: [
    { at: "5s", for: "6s", target: "all-paths", direction: "both", fault: { kind: "bandwidth", rateKBps: 1 } },
    { at: "12s", for: "6s", target: "all-paths", direction: "both", fault: { kind: "latency", latencyMs: 300, jitterMs: 200 } },
    { at: "19s", for: "6s", target: "all-paths", direction: "both", fault: { kind: "slicer", averageSize: 16, sizeVariation: 8, delayUs: 2000 } },
  ] },
];

export type ShortScenarioName = (typeof SHORT_SCENARIOS)[number]["name"];
export type ShortResults = Record<string, ScenarioResult>;

/** Runs the named scenarios of the short suite on `env` as one suite; their results by name. */
export async function runShortSuite(env: "local" | "containers", names: ShortScenarioName[]): Promise<ShortResults> {
  await requireTool("k6");
  if (env === "local") await requireTool("toxiproxy-server");
  else await requireImages();
  const dir = mkdtempSync(join(tmpdir(), `outages-${env}-`));
  const suite = join(dir, "outages-short.json");
  writeFileSync(suite, JSON.stringify({ name: "outages-short", scenarios: SHORT_SCENARIOS.filter((s) => names.includes(s.name)) }));
  const run = spawnSync(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "--suite", suite, "--env", env, "--reports", dir], { encoding: "utf8", timeout: 900_000 });
  const summaryFile = join(dir, "latest", "summary.json");
  if (!existsSync(summaryFile)) throw new Error(`outage suite wrote no summary (exit ${run.status}):\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
  const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as RunSummary;
  if (summary.status !== "completed") throw new Error(`outage suite ${summary.status} (exit ${run.status}):\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
  expect(summaryIssues(summary), `${summaryFile} does not match the summary schema (reports/summary.schema.json)`).toEqual([]);
  const results = Object.fromEntries(summary.scenarios.map((s) => [s.name, s]));
  expect(Object.keys(results).sort()).toEqual([...names].sort());
  return results;
}

const MESSAGE_CHECKERS = ["lost", "never-acknowledged", "duplicated-to-user", "redelivered-on-wire", "out-of-order", "corrupted", "late"];

/** What every short scenario must show, wherever it ran: the two tests run over `results()`. */
export function itHoldsForEveryScenario(results: () => ShortResults): void {
  it("lose no acknowledged message, decrypt everything, and show only ciphertext wherever proxies carried traffic", () => {
    for (const r of Object.values(results())) {
      expect(r.status, r.name).toBe("completed");
      expect(r.figures.messages.lostAfterAck, `${r.name}: acknowledged and never delivered`).toBe(0);
      expect(r.figures.messages.decryptFailures, r.name).toBe(0);
      expect(r.figures.messages.sent, r.name).toBeGreaterThan(50);
      // a scenario whose users were on a proxy passes; one that never used them may only be unknown for want of traffic
      const privacy = r.checks.find((c) => c.name === "privacy")!;
      const proxied = r.figures.pathShare.some((s) => Object.keys(s.byPath).some((path) => path.startsWith("proxy-")));
      const outcome = privacy.status === "pass" ? "pass" : `${privacy.status}: ${String(privacy.details.reason)}`;
      expect(proxied ? ["pass"] : ["pass", "unknown: nothing to scan: no connection carried a WebSocket frame"], `${r.name} privacy: ${JSON.stringify(privacy.details).slice(0, 500)}`).toContain(outcome);
    }
  });

  it("passes every message checker with the relay's fault modes off", () => {
    for (const r of Object.values(results())) {
      const checks = r.checks.filter((c) => MESSAGE_CHECKERS.includes(c.name));
      expect(checks.map((c) => c.name), r.name).toEqual(MESSAGE_CHECKERS);
      for (const c of checks) expect(c.status, `${r.name} ${c.name}: ${JSON.stringify(c.details).slice(0, 400)}`).toBe("pass");
    }
  });
}

/** A relay restart and crash, and an IP block through the proxies, on `env`: what both environments must agree on. */
export function describeWhatEveryEnvironmentShows(env: "local" | "containers"): void {
  describe(`the outage scenarios both environments run, short, on ${env}`, () => {
    let results: ShortResults;

    beforeAll(async () => {
      results = await runShortSuite(env, ["restart", "ip-block"]);
    }, 900_000);

    itHoldsForEveryScenario(() => results);

    it("restart: graceful restart and crash lose nothing acknowledged, the relay comes back each time, and each redelivery is blamed on one of them", () => {
      const r = results.restart;
      expect(r.relay.startups.length, "start, restart, start after the crash").toBe(3);
      expect(r.faults.filter((f) => f.ok).length).toBe(4);
      expect(r.figures.messages.neverAcked).toBe(0);
      for (const w of r.figures.windows) expect(w.recovery.backlog.undelivered, `${w.kind}: messages sent during it, never delivered`).toBe(0);
      const redelivered = r.checks.find((c) => c.name === "redelivered-on-wire")!.details.byFault as Record<string, number>;
      // blamed on the restart or the crash, never on another fault; "none" only for a redelivery before
      // the first fault (a reconnect during start-up, seen on containers)
      expect(Object.keys(redelivered).every((fault) => /relay-(restart|crash)$/.test(fault) || fault === "none"), JSON.stringify(redelivered)).toBe(true);
      expect(Object.keys(redelivered).some((fault) => /relay-(restart|crash)$/.test(fault)), JSON.stringify(redelivered)).toBe(true);
    });

    it("ip-block: every user ends the block connected through the path that was not blocked, which carried only ciphertext", () => {
      const r = results["ip-block"];
      expect(r.checks.find((c) => c.name === "privacy")!.status, "the proxies carried traffic, all of it ciphertext").toBe("pass");
      const lift = Math.min(...r.faults.filter((f) => f.event === "heal").map((f) => f.requestedAt));
      const beforeLift = r.figures.pathShare.filter((s) => s.t < lift).at(-1)!;
      expect(beforeLift.connected).toBe(r.load.users);
      expect(beforeLift.byPath).toEqual({ "proxy-2": r.load.users });
      for (const w of r.figures.windows) expect(w.failover?.stranded, `${w.kind}@${w.target}`).toBe(0);
      expect(r.figures.windows[0].failover!.affectedUsers).toBe(r.load.users);
    });
  });
}
