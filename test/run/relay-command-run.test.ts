// `npm run chaos -- --relay-command CMD --env local` from start to verdict (real k6, Toxiproxy
// and relay, about 20 s of k6 per run): the reference relay started through an explicit command
// gets the same verdict as the default run; a command that does not start a relay fails the run
// with exit code 3, naming the command, its exit code and what it printed.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import { readRunFile, runChaos, type RunVerdictFile } from "../support/run-chaos.ts";
import { requireTool } from "../support/require-tool.ts";

const reports = join(mkdtempSync(join(tmpdir(), "relay-command-")), "reports");
const SHORT_STEADY = ["--scenario", "steady", "--users", "20", "--rate", "10", "--duration", "5s", "--env", "local", "--reports", reports];
const NO_VARIABLES = { CHAOS_ENV: undefined, CHAOS_RELAY_COMMAND: undefined, CHAOS_RELAY_IMAGE: undefined };
const REFERENCE_RELAY_COMMAND = "node --import tsx fixtures/relay/main.ts";

const judgedAs = (verdict: RunVerdictFile) => Object.fromEntries(verdict.judgements.map((j) => [j.name, j.status]));

describe("--relay-command", () => {
  it("runs the reference relay through an explicit command with the same verdict as the default", async (ctx) => {
    await requireTool("k6", ctx);
    await requireTool("toxiproxy-server", ctx);
    const standard = await runChaos(SHORT_STEADY, NO_VARIABLES);
    const command = await runChaos([...SHORT_STEADY, "--relay-command", REFERENCE_RELAY_COMMAND], NO_VARIABLES);
    expect(standard.code, standard.err).toBe(0);
    expect(command.code, command.err).toBe(0);
    expect(command.out).toContain(`starting relay under test (--relay-command "${REFERENCE_RELAY_COMMAND}")`);
    const [a, b] = [readRunFile<RunVerdictFile>(standard, "verdict.json"), readRunFile<RunVerdictFile>(command, "verdict.json")];
    expect(b.gate).toBe(a.gate);
    expect(judgedAs(b)).toEqual(judgedAs(a));
    const summary = readRunFile<RunSummary>(command, "summary.json");
    expect(summary.environment.versions.relay).toBe(`--relay-command "${REFERENCE_RELAY_COMMAND}"`);
    // the same relay prints the same start-up line and offers the same metrics
    expect(summary.scenarios[0].relay.startups.length).toBe(1);
    expect(summary.scenarios[0].relay.peaks).toMatchObject({ samplesDown: 0, samplesWithoutMetrics: 0 });
    expect(summary.scenarios[0].relay.peaks.peakConnections).toBeGreaterThan(0);
    // the relay's own processes from /proc, whichever way it was started (the command: a shell and node)
    for (const run of [standard, command]) {
      const [scenario] = readRunFile<RunSummary>(run, "summary.json").scenarios;
      const usage = scenario.server.usage;
      expect(usage.samples, JSON.stringify(usage)).toBeGreaterThan(5);
      expect(usage.cpuCoresPeak).toBeGreaterThan(0);
      expect(usage.cpuCoresMean).toBeGreaterThan(0);
      expect(usage.rssMbPeak).toBeGreaterThan(10);
      expect(readFileSync(join(run.runDir!, scenario.files.serverUsage), "utf8").trim().split("\n")).toHaveLength(usage.samples);
      // the privacy check read what the relay stored and its log (once: not again as text)
      const privacy = scenario.checks.find((c) => c.name === "privacy")!;
      const stored = privacy.details.storedFiles as { name: string; bytes: number }[];
      expect(stored.map((f) => f.name)).toEqual(expect.arrayContaining(["relay log: relay.log", expect.stringMatching(/^relay data: /)]));
      expect((privacy.details.texts as { name: string }[]).map((t) => t.name)).toEqual(["relay /metrics"]);
    }
  });

  it("fails the run with exit code 3 when the command starts no relay, saying why (CHAOS_RELAY_COMMAND)", async (ctx) => {
    await requireTool("k6", ctx);
    await requireTool("toxiproxy-server", ctx);
    const run = await runChaos(SHORT_STEADY, { ...NO_VARIABLES, CHAOS_RELAY_COMMAND: "no-such-relay --port $RELAY_PORT" });
    expect(run.code).toBe(3);
    expect(run.err).toContain('relay command "no-such-relay --port $RELAY_PORT" (CHAOS_RELAY_COMMAND) exited (exit code 127) before GET http://127.0.0.1:');
    expect(run.err).toMatch(/no-such-relay: not found/);
    expect(run.err).toContain("fix: a relay under test gets RELAY_LISTEN");
    // the failed run still has its record, its verdict and its page, naming the error
    const failed = JSON.parse(readFileSync(join(reports, "latest", "summary.json"), "utf8")) as RunSummary;
    expect(failed).toMatchObject({ status: "failed", error: expect.stringContaining("no-such-relay") });
    expect(readFileSync(join(reports, "latest", "index.html"), "utf8")).toContain("no-such-relay");
  });
});
