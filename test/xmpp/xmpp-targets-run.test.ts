// `npm run chaos -- --target prosody|ejabberd --env local` end to end: accounts registered, real k6
// through the four Toxiproxy paths to the real server, a crash of the server's process group, and a
// verdict in which every message a checker flags is named and blamed on a fault. A server that
// loses or duplicates is a finding, not a test failure: the test checks the run explains itself.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { XMPP_SERVERS } from "../../harness/targets/xmpp/xmpp-server-kind.ts";
import { readRunFile, runChaos, type RunVerdictFile } from "../support/run-chaos.ts";
import { requireTool } from "../support/require-tool.ts";
import { startTestXmppServer } from "../support/xmpp-server.ts";

const SUITE = {
  name: "xmpp-crash",
  description: "steady traffic, then a crash of the server under test",
  scenarios: [{ scenario: "steady", users: 40, rate: 25, warmup: "5s", duration: "18s", drain: "15s", timeline: [{ at: "9s", for: "2s", target: "relay", fault: { kind: "relay-crash" } }] }],
};

interface Summary {
  target: { name: string; version: string };
  scenarios: {
    status: string; target: { name: string }; faults: { kind: string; event: string; ok: boolean }[]; figures: { messages: { sent: number; acked: number; delivered: number } };
    server: { usage: { samples: number; readingsDown: number; cpuCoresPeak: number | null; rssMbPeak: number | null } };
    checks: { name: string; status: string; details: { storedFiles?: { name: string; bytes: number }[] } }[]; files: { checks: string };
  }[];
}

describe.each(XMPP_SERVERS)("npm run chaos --target %s", (kind) => {
  it("runs steady traffic through a crash of the server to a verdict that names and blames every flagged message", async (ctx) => {
    await requireTool("k6", ctx);
    await requireTool("toxiproxy-server", ctx);
    await (await startTestXmppServer(kind, ctx)).stop(); // installed and starting, or said why not
    const dir = mkdtempSync(join(tmpdir(), `chaos-${kind}-`));
    const suite = join(dir, "suite.json");
    writeFileSync(suite, JSON.stringify(SUITE));
    const run = await runChaos(["--suite", suite, "--target", kind, "--env", "local", "--reports", dir]);
    expect([0, 1], `exit code ${run.code}\n${run.out}\n${run.err}`).toContain(run.code);

    const summary = readRunFile<Summary>(run, "summary.json");
    expect(summary.target.name).toBe(kind);
    expect(summary.target.version).toMatch(/\d/);
    const [scenario] = summary.scenarios;
    expect(scenario.status).toBe("completed");
    expect(scenario.faults.filter((f) => f.kind === "relay-crash").map((f) => [f.event, f.ok])).toEqual([["inject", true], ["heal", true]]);
    expect(scenario.figures.messages.sent).toBeGreaterThan(300);
    expect(scenario.figures.messages.delivered).toBeGreaterThan(0.9 * scenario.figures.messages.sent);

    // the server's own processes from /proc (down during the crash), and what it stored, read by the privacy check
    expect(scenario.server.usage.samples).toBeGreaterThan(20);
    expect(scenario.server.usage.readingsDown).toBeGreaterThan(0);
    expect(scenario.server.usage.cpuCoresPeak).toBeGreaterThan(0);
    expect(scenario.server.usage.rssMbPeak).toBeGreaterThan(10);
    const stored = scenario.checks.find((c) => c.name === "privacy")!.details.storedFiles ?? [];
    // Prosody: files per user (accounts, rosters, key bundles); ejabberd: Mnesia's files per table
    const store = stored.filter((f) => f.name.startsWith(`${kind} data: store/`));
    expect(store.length).toBeGreaterThan(kind === "prosody" ? 40 : 5);
    expect(store.reduce((n, f) => n + f.bytes, 0)).toBeGreaterThan(10_000);
    expect(stored.map((f) => f.name)).toContain(`${kind} log: ${kind}.log`);

    const flagged = JSON.parse(readFileSync(join(run.runDir!, scenario.files.checks), "utf8")) as Record<string, { id: string; fault: string }[]>;
    for (const check of scenario.checks) {
      if (check.name === "privacy") continue;
      const names = flagged[check.name] ?? [];
      if (check.status === "fail") expect(names.length, `${check.name} failed without naming a message`).toBeGreaterThan(0);
      for (const f of names) expect(f.fault, `${check.name}: ${f.id}`).toMatch(/^(timeline\[\d+\] \S+|none)$/);
    }
    const verdict = readRunFile<RunVerdictFile>(run, "verdict.json");
    expect(verdict.gate).toBe(run.code === 0 ? "pass" : "fail");
    expect(readFileSync(join(run.runDir!, "junit.xml"), "utf8")).toContain(kind);
  }, 240_000);
});
