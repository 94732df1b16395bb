// The checkers proved against a relay that misbehaves on purpose: for each fault mode, a short
// real scenario (k6, local environment) must fail exactly the matching checker, with exactly the
// message ids the relay says it tampered with, and pass every other one.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Flagged } from "../../harness/analysis/checkers/message-checker.ts";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import type { ScenarioResult } from "../../harness/run/run-scenario.ts";
import { NO_FAULTS, type DeliverFrame } from "../../fixtures/relay/fault-mode.ts";
import { corruptMode, dropMode, duplicateMode, flipCiphertextByte, reorderMode, type FaultAction } from "../../fixtures/relay/fault-modes.ts";
import { ConfigError } from "../../fixtures/relay/relay-config.ts";
import { selectFaultMode } from "../../fixtures/relay/select-fault-mode.ts";
import { toBase64, utf8 } from "../../harness/protocol/bytes.ts";
import { requireTool } from "../support/require-tool.ts";

const frame = (from: string, id: string, sid = "s1"): DeliverFrame => ({ type: "deliver", id, from, body: toBase64(utf8(JSON.stringify({ v: 1, sid, n: 0, iv: "AAAA", ct: "AAAAAAAA" }))), ts: 0 });

describe("relay fault modes (the modes themselves)", () => {
  it("are off by default and refused without RELAY_TEST_FAULTS=1", () => {
    expect(selectFaultMode({})).toBe(NO_FAULTS);
    expect(() => selectFaultMode({ RELAY_FAULT_MODE: "drop:3" })).toThrow(ConfigError);
    expect(() => selectFaultMode({ RELAY_FAULT_MODE: "drop:3" })).toThrow(/RELAY_TEST_FAULTS=1/);
    expect(() => selectFaultMode({ RELAY_FAULT_MODE: "melt:3", RELAY_TEST_FAULTS: "1" })).toThrow(/allowed: drop:N, duplicate:N, reorder:N, corrupt:N/);
    expect(selectFaultMode({ RELAY_FAULT_MODE: "ack-before-store", RELAY_TEST_FAULTS: "1" }).acknowledgeBeforeStore).toBe(true);
    expect(selectFaultMode({ RELAY_FAULT_MODE: "reorder:4", RELAY_TEST_FAULTS: "1" }).name).toBe("reorder:4");
  });

  it("pick every Nth message, leaving out each conversation's first, and stick to it on redelivery", () => {
    const log: [FaultAction, string][] = [];
    const drop = dropMode(2, (action, f) => log.push([action, f!.id]));
    const out = ["1", "2", "3", "4", "5", "2", "3"].map((id) => drop.deliveries(frame("A", id), () => undefined).length);
    expect(out).toEqual([1, 1, 0, 1, 0, 1, 0]);
    expect(log).toEqual([["dropped", "3"], ["dropped", "5"]]);
    const dup = duplicateMode(1, () => undefined);
    expect(dup.deliveries(frame("B", "1"), () => undefined)).toHaveLength(1);
    expect(dup.deliveries(frame("B", "2"), () => undefined)).toHaveLength(2);
    expect(dup.deliveries(frame("B", "2"), () => undefined)).toHaveLength(1);
  });

  it("reorder holds a message until the next of its conversation, corrupt flips a ciphertext byte", () => {
    const log: string[] = [];
    const reorder = reorderMode(1, (_, f) => log.push(f!.id));
    expect(reorder.deliveries(frame("A", "1"), () => undefined).map((f) => f.id)).toEqual(["1"]);
    expect(reorder.deliveries(frame("A", "2"), () => undefined)).toEqual([]);
    expect(reorder.deliveries(frame("C", "9", "other"), () => undefined).map((f) => f.id)).toEqual(["9"]);
    expect(reorder.deliveries(frame("A", "3"), () => undefined).map((f) => f.id)).toEqual(["3", "2"]);
    expect(log).toEqual(["2"]);
    const corrupt = corruptMode(1, () => undefined);
    corrupt.deliveries(frame("A", "1"), () => undefined);
    const [bad] = corrupt.deliveries(frame("A", "2"), () => undefined);
    expect(bad.body).toBe(flipCiphertextByte(frame("A", "2").body));
    expect(bad.body).not.toBe(frame("A", "2").body);
  });
});

const MODES = {
  // the relay's own journal says of each one: stored, never delivered
  drop: { mode: "drop:15", action: "dropped", fails: "lost", relaySays: "stored, never delivered" },
  // the client's dedupe drops the second copy: only a scenario that promises at most once fails on it
  duplicate: { mode: "duplicate:15", action: "duplicated", fails: "redelivered-on-wire", delivery: "at-most-once" },
  // one contact each: a conversation's next message comes soon enough to overtake the held one
  reorder: { mode: "reorder:15", action: "reordered", fails: "out-of-order", contacts: 1 },
  corrupt: { mode: "corrupt:15", action: "corrupted", fails: "corrupted" },
} as const;
const CHECKERS = ["lost", "never-acknowledged", "duplicated-to-user", "redelivered-on-wire", "out-of-order", "corrupted", "late"];

describe("each relay fault mode fails exactly its checker, with exactly the injected ids (real k6, local)", () => {
  const dir = mkdtempSync(join(tmpdir(), "fault-modes-"));
  const logOf = (name: string) => join(dir, `${name}-faults.jsonl`);
  let results: Record<string, ScenarioResult>;

  beforeAll(async () => {
    await requireTool("k6");
    await requireTool("toxiproxy-server");
    const suite = join(dir, "fault-modes.json");
    writeFileSync(suite, JSON.stringify({
      name: "fault-modes",
      scenarios: Object.entries(MODES).map(([name, m]) => ({
        name, scenario: "steady", users: 20, rate: 20, contacts: "contacts" in m ? m.contacts : 3, warmup: "5s", duration: "12s", drain: "8s", crypto: "session",
        relay: { RELAY_TEST_FAULTS: "1", RELAY_FAULT_MODE: m.mode, RELAY_FAULT_LOG: logOf(name) }, ...("delivery" in m ? { delivery: m.delivery } : {}),
      })),
    }));
    const run = spawnSync(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "--suite", suite, "--env", "local", "--reports", dir], { encoding: "utf8", timeout: 600_000 });
    const summary = JSON.parse(readFileSync(join(dir, "latest", "summary.json"), "utf8")) as RunSummary;
    if (summary.status !== "completed") throw new Error(`fault-mode suite ${summary.status} (exit ${run.status}):\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
    results = Object.fromEntries(summary.scenarios.map((s) => [s.name, s]));
  }, 600_000);

  for (const [name, m] of Object.entries(MODES)) {
    it(`${name}: ${m.fails} fails with exactly the ids the relay wrote, every other checker passes`, () => {
      const r = results[name];
      expect(r.status).toBe("completed");
      expect(existsSync(logOf(name)), "the relay wrote what it did").toBe(true);
      const injected = readFileSync(logOf(name), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { action: string; id: string }).filter((e) => e.action === m.action).map((e) => e.id).sort();
      expect(injected.length, "the mode did something").toBeGreaterThan(2);
      const status = Object.fromEntries(r.checks.filter((c) => CHECKERS.includes(c.name)).map((c) => [c.name, c.status]));
      expect(status).toEqual(Object.fromEntries(CHECKERS.map((c) => [c, c === m.fails ? "fail" : "pass"])));
      const checker = m.fails;
      const flagged = (JSON.parse(readFileSync(join(dir, "latest", name, "checks.json"), "utf8")) as Record<string, Flagged[]>)[checker];
      expect(flagged.map((f) => f.id).sort()).toEqual(injected);
      expect(flagged.every((f) => f.fault === "none")).toBe(true);
      if ("relaySays" in m) expect(flagged.filter((f) => f.relay !== m.relaySays)).toEqual([]);
      expect(r.checks.find((c) => c.name === checker)?.details).toMatchObject({ count: injected.length });
    });
  }
});
