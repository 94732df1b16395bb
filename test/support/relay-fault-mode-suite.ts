// The relay's fault modes run for real (k6, local environment): for each mode a short steady
// scenario against a relay started with it, all in one suite, and what every mode's run must show:
// exactly the matching checker fails, with exactly the ids the relay wrote, every other one passes.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Flagged } from "../../harness/analysis/checkers/message-checker.ts";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import type { ScenarioResult } from "../../harness/run/run-scenario.ts";
import { requireTool } from "./require-tool.ts";

const MODES = {
  // the relay's own journal says of each one: stored, never delivered
  drop: { mode: "drop:15", action: "dropped", fails: "lost", relaySays: "stored, never delivered" },
  // the client's dedupe drops the second copy: only a scenario that promises at most once fails on it
  duplicate: { mode: "duplicate:15", action: "duplicated", fails: "redelivered-on-wire", delivery: "at-most-once" },
  // one contact each: a conversation's next message comes soon enough to overtake the held one
  reorder: { mode: "reorder:15", action: "reordered", fails: "out-of-order", contacts: 1 },
  corrupt: { mode: "corrupt:15", action: "corrupted", fails: "corrupted" },
  // stored and delivered, the `sent` withheld: the senders wait for it to the end of the drain (a short one)
  "no-ack": { mode: "no-ack:15", action: "never-acknowledged", fails: "never-acknowledged", relaySays: "stored, delivered once", drain: "4s" },
  // held 1.5 s (under the 2 s after which a quiet VU stops) against a late bound of 1 s; a message of
  // the conversation that comes meanwhile waits behind it ("held-behind": late or not, by how long it waited)
  late: { mode: "late:15:1500", action: "delayed", fails: "late", recovery: { lateMs: 1000 }, heldBehind: "held-behind" },
} as const;
const CHECKERS = ["lost", "never-acknowledged", "duplicated-to-user", "redelivered-on-wire", "out-of-order", "corrupted", "late"];

export type FaultModeName = keyof typeof MODES;

/** The fault modes `names` run in one suite, each judged as the header says; `more` adds tests over the same run. */
export function describeFaultModeRuns(names: FaultModeName[], more?: (run: { dir: string; results: () => Record<string, ScenarioResult> }) => void): void {
  describe(`relay fault modes ${names.join(", ")} each fail exactly their checker, with exactly the injected ids (real k6, local)`, () => {
    const dir = mkdtempSync(join(tmpdir(), "fault-modes-"));
    const logOf = (name: string) => join(dir, `${name}-faults.jsonl`);
    let results: Record<string, ScenarioResult>;

    beforeAll(async () => {
      await requireTool("k6");
      await requireTool("toxiproxy-server");
      const suite = join(dir, "fault-modes.json");
      writeFileSync(suite, JSON.stringify({
        name: "fault-modes",
        scenarios: Object.entries(MODES).filter(([name]) => names.includes(name as FaultModeName)).map(([name, m]) => ({
          name, scenario: "steady", users: 20, rate: 20, contacts: "contacts" in m ? m.contacts : 3, warmup: "3s", duration: "8s", drain: "drain" in m ? m.drain : "8s", crypto: "session",
          relay: { RELAY_TEST_FAULTS: "1", RELAY_FAULT_MODE: m.mode, RELAY_FAULT_LOG: logOf(name) }, ...("delivery" in m ? { delivery: m.delivery } : {}), ...("recovery" in m ? { recovery: m.recovery } : {}),
        })),
      }));
      const run = spawnSync(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "--suite", suite, "--env", "local", "--reports", dir], { encoding: "utf8", timeout: 600_000 });
      const summary = JSON.parse(readFileSync(join(dir, "latest", "summary.json"), "utf8")) as RunSummary;
      if (summary.status !== "completed") throw new Error(`fault-mode suite ${summary.status} (exit ${run.status}):\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
      results = Object.fromEntries(summary.scenarios.map((s) => [s.name, s]));
    }, 600_000);

    for (const [name, m] of Object.entries(MODES).filter(([n]) => names.includes(n as FaultModeName))) {
      const which = "heldBehind" in m ? "on every id the relay held the full time and only on ids it held" : "with exactly the ids the relay wrote";
      it(`${name}: ${m.fails} fails ${which}, every other checker passes`, () => {
        const r = results[name];
        expect(r.status).toBe("completed");
        expect(existsSync(logOf(name)), "the relay wrote what it did").toBe(true);
        const logged = readFileSync(logOf(name), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { action: string; id: string });
        const injected = logged.filter((e) => e.action === m.action).map((e) => e.id).sort();
        expect(injected.length, "the mode did something").toBeGreaterThan(2);
        const status = Object.fromEntries(r.checks.filter((c) => CHECKERS.includes(c.name)).map((c) => [c.name, c.status]));
        expect(status).toEqual(Object.fromEntries(CHECKERS.map((c) => [c, c === m.fails ? "fail" : "pass"])));
        const checker = m.fails;
        const flagged = (JSON.parse(readFileSync(join(dir, "latest", name, "checks.json"), "utf8")) as Record<string, Flagged[]>)[checker];
        if ("heldBehind" in m) {
          // late: every message held the full time is flagged (sent in the warm-up: blamed on set-up), and
          // every message flagged with no fault to blame is one the relay held, the full time or behind one
          const held = new Set([...injected, ...logged.filter((e) => e.action === m.heldBehind).map((e) => e.id)]);
          expect(injected.filter((id) => !flagged.some((f) => f.id === id))).toEqual([]);
          expect(flagged.filter((f) => f.fault === "none" && !held.has(f.id))).toEqual([]);
          return;
        }
        expect(flagged.map((f) => f.id).sort()).toEqual(injected);
        expect(flagged.every((f) => f.fault === "none")).toBe(true);
        if ("relaySays" in m) expect(flagged.filter((f) => f.relay !== m.relaySays)).toEqual([]);
        expect(r.checks.find((c) => c.name === checker)?.details).toMatchObject({ count: injected.length });
      });
    }

    more?.({ dir, results: () => results });
  });
}
