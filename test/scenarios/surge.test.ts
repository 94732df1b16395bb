// Runs the surge scenario short, through the real main job against the reference relay on local
// processes: newcomers sign up with real WebCrypto keys in k6, fetch their contacts' bundles
// (sized so the contacts' one-time prekeys run out), agree sessions by X3DH and write first.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { signUpRecords } from "../../harness/analysis/surge/surge-figures.ts";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import { summaryIssues } from "../../harness/report/summary/summary-issues.ts";
import type { ScenarioResult } from "../../harness/run/run-scenario.ts";
import type { SignUpRecord } from "../../scenarios/lib/surge/sign-up-record.ts";
import { requireTool } from "../support/require-tool.ts";

// 40 users hold 5 one-time prekeys each (200); about 60 newcomers fetch 3 bundles each (about 180,
// on the few users the seeded picks favour): the busiest contacts run out
const SHORT = {
  name: "surge-short",
  scenarios: [{ scenario: "surge", users: 40, rate: 10, duration: "10s", drain: "8s", k6Env: { SURGE_FROM_PER_S: "3", SURGE_PEAK_PER_S: "10", SURGE_CONTACTS: "3", SURGE_ONE_TIME_PREKEYS: "3", SURGE_MAX_VUS: "60" } }],
};

describe("the surge scenario, short, against the reference relay on local processes", () => {
  let result: ScenarioResult;
  let signUps: SignUpRecord[];
  let shown: Map<string, number>;

  beforeAll(async () => {
    await requireTool("k6");
    await requireTool("toxiproxy-server");
    const dir = mkdtempSync(join(tmpdir(), "surge-"));
    const suite = join(dir, "surge-short.json");
    writeFileSync(suite, JSON.stringify(SHORT));
    const run = spawnSync(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "--suite", suite, "--env", "local", "--reports", dir], { encoding: "utf8", timeout: 300_000 });
    const summaryFile = join(dir, "latest", "summary.json");
    if (!existsSync(summaryFile)) throw new Error(`surge wrote no summary (exit ${run.status}):\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
    const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as RunSummary;
    expect(summaryIssues(summary), `${summaryFile} against the summary schema`).toEqual([]);
    result = summary.scenarios[0];
    const events = readFileSync(join(dir, "latest", "surge", "events.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { ev: string });
    signUps = signUpRecords(events);
    shown = new Map();
    for (const e of events as { ev: string; id?: string; t?: number; dup?: boolean }[]) {
      if (e.ev === "delivered" && !e.dup && e.id && !shown.has(e.id)) shown.set(e.id, e.t!);
    }
  }, 300_000);

  it("signs newcomers up along the ramp, and every one that registered got its first messages across and an answer", () => {
    expect(result.status).toBe("completed");
    const surge = result.figures.surge!;
    expect(signUps.length).toBeGreaterThan(30);
    expect(surge.signUps).toBe(signUps.length);
    const registered = signUps.filter((s) => s.outcome === "registered");
    expect(registered.length, JSON.stringify(surge.refusedBy)).toBe(signUps.length);
    for (const s of registered) {
      expect(s.firstMessages.length, `newcomer ${s.user}`).toBe(3);
      for (const id of s.firstMessages) expect(shown.has(id), `newcomer ${s.user}: first message ${id} never delivered`).toBe(true);
      expect(s.answers, `newcomer ${s.user}: answers`).toBe(3);
    }
    expect(surge.firstMessageUndelivered).toBe(0);
    expect(surge.firstMessageMs.count).toBe(registered.length);
    expect(result.figures.messages.lostAfterAck).toBe(0);
    expect(result.figures.messages.decryptFailures).toBe(0);
    // the ramp rises: more sign-ups in its last seconds than in its first
    const perS = surge.perSecond.map((s) => s.signUps);
    expect(perS.slice(-3).reduce((a, b) => a + b, 0)).toBeGreaterThan(perS.slice(0, 3).reduce((a, b) => a + b, 0));
  });

  it("hands out no one-time prekey twice, and counts the bundles that fell back to the signed prekey", () => {
    const surge = result.figures.surge!;
    const fetches = signUps.flatMap((s) => s.fetches);
    expect(fetches.every((f) => f.latencyMs !== null)).toBe(true);
    const handedOut = fetches.filter((f) => f.oneTimePrekey !== null).map((f) => `${f.contact}/${f.oneTimePrekey}`);
    expect(new Set(handedOut).size, "a (contact, one-time prekey) pair handed out twice").toBe(handedOut.length);
    expect(surge.oneTimePrekeysHandedOutTwice).toBe(0);
    const exhausted = fetches.filter((f) => f.oneTimePrekey === null).length;
    expect(exhausted, "the contacts' stock of 5 one-time prekeys ran out").toBeGreaterThan(0);
    expect(surge.oneTimePrekeysExhausted).toBe(exhausted);
    expect(surge.prekeyFetches).toBe(fetches.length);
  });

  it("reports the existing users' latency during the surge and a knee judged with the generator's saturation", () => {
    const surge = result.figures.surge!;
    expect(surge.existingUsers.during.count).toBeGreaterThan(0);
    expect(surge.knee.boundMs).toBe(2000);
    if (surge.knee.found) expect(surge.knee.signUpsPerS).not.toBeNull();
    expect(surge.perSecond.length).toBeGreaterThanOrEqual(10);
  });
});
