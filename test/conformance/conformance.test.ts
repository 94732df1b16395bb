// `npm run chaos -- conformance` as a real process (harness/cli/main.ts) against real relays:
// the reference relay passes every check (exit 0); a relay that never answers `send` with `sent`
// (test/fixtures/relay-without-sent.mjs, given through --relay-command) fails exactly the checks
// that need `sent` (exit 1), and its missing /metrics is reported as not available, not as a
// failure. Bad input exits 2; a relay command that starts no relay exits 3.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ConformanceReport } from "../../harness/conformance/run-conformance.ts";
import { CONFORMANCE_CHECKS } from "../../harness/conformance/checks.ts";
import { requireTool } from "../support/require-tool.ts";
import { runChaos } from "../support/run-chaos.ts";

const NO_VARIABLES = { CHAOS_ENV: undefined, CHAOS_RELAY_COMMAND: undefined, CHAOS_RELAY_IMAGE: undefined };

/** The conformance command as a real process (runChaos), with the conformance.json it wrote (null: none or unreadable). */
async function conformance(args: string[]): Promise<{ code: number | null; out: string; err: string; report: ConformanceReport | null }> {
  const reports = mkdtempSync(join(tmpdir(), "conformance-"));
  const { code, out, err } = await runChaos(["conformance", ...args, "--reports", reports], NO_VARIABLES);
  const folders = readdirSync(reports);
  const file = folders.length === 1 ? join(reports, folders[0], "conformance.json") : null;
  let report: ConformanceReport | null = null;
  try {
    report = file ? (JSON.parse(readFileSync(file, "utf8")) as ConformanceReport) : null;
  } catch {
    report = null;
  }
  return { code, out, err, report };
}

/** pids of live processes whose command line contains `text` */
function processesRunning(text: string): string[] {
  return readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(text) && !readFileSync(`/proc/${p}/stat`, "utf8").includes(") Z ");
    } catch {
      return false;
    }
  });
}

const statuses = (report: ConformanceReport | null) => Object.fromEntries((report?.checks ?? []).map((c) => [c.name, c.status]));

describe("conformance command", () => {
  it("passes every check against the reference relay (exit 0) and prints the table", async (ctx) => {
    await requireTool("toxiproxy-server", ctx);
    const run = await conformance(["--env", "local"]);
    expect(run.code, `${run.out}\n${run.err}`).toBe(0);
    expect(run.report?.passed).toBe(true);
    expect(run.report?.checks.map((c) => c.name)).toEqual(CONFORMANCE_CHECKS.map((c) => c.name));
    for (const check of run.report?.checks ?? []) expect(check.status, `${check.name}: ${check.measured}`).toBe("PASS");
    expect(run.out).toMatch(/^check\s+result\s+measured\s+expected$/m);
    expect(run.out).toMatch(/^send-sent-ack\s+PASS\s/m);
    expect(run.out).toContain(`${CONFORMANCE_CHECKS.length} passed, 0 failed`);
  }, 60_000);

  it("fails exactly the checks a relay breaks (exit 1): no `sent`, and /metrics absent is N/A", async (ctx) => {
    await requireTool("toxiproxy-server", ctx);
    const run = await conformance(["--env", "local", "--relay-command", "node test/fixtures/relay-without-sent.mjs"]);
    expect(run.code, `${run.out}\n${run.err}`).toBe(1);
    expect(run.report?.passed).toBe(false);
    const broken = ["send-sent-ack", "deliver-stored", "ack-removes-only-that"];
    const expected = Object.fromEntries(CONFORMANCE_CHECKS.map((c) => [c.name, broken.includes(c.name) ? "FAIL" : c.name === "metrics-optional" ? "N/A" : "PASS"]));
    expect(statuses(run.report)).toEqual(expected);
    const sent = run.report?.checks.find((c) => c.name === "send-sent-ack");
    expect(sent?.measured).toMatch(/no `sent` for send '.*' within \d+ ms/);
    expect(run.report?.checks.find((c) => c.name === "metrics-optional")?.measured).toBe("not available (HTTP 404)");
    expect(run.report?.relay).toBe('--relay-command "node test/fixtures/relay-without-sent.mjs"');
  }, 60_000);

  it("exits 2 on bad input and 3 when the relay command starts no relay", async (ctx) => {
    const unknown = await conformance(["--no-such-flag"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("usage: npm run chaos -- conformance");
    const wrongEnv = await conformance(["--env", "containers", "--relay-command", "my-relay"]);
    expect(wrongEnv.code).toBe(2);
    expect(wrongEnv.err).toContain("--relay-command runs only with --env local");
    await requireTool("toxiproxy-server", ctx);
    const noRelay = await conformance(["--env", "local", "--relay-command", "exit 7"]);
    expect(noRelay.code, `${noRelay.out}\n${noRelay.err}`).toBe(3);
    expect(noRelay.err).toContain('relay command "exit 7" (--relay-command) exited (exit code 7)');
  }, 60_000);

  it("Ctrl-C during the checks stops them, the relay and Toxiproxy, and exits 130", async (ctx) => {
    await requireTool("toxiproxy-server", ctx);
    const reports = mkdtempSync(join(tmpdir(), "conformance-int-"));
    const toxiproxiesBefore = processesRunning("toxiproxy-server").length;
    const child = spawn(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "conformance", "--env", "local", "--relay-command", "node test/fixtures/relay-without-sent.mjs", "--reports", reports], { env: { ...process.env, ...NO_VARIABLES }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    // the checks are under way once the first result line is printed (the broken relay's take about 10 s)
    while (!/^ {2}(PASS|FAIL) /m.test(out) && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGINT");
    expect(await exited, out).toBe(130);
    expect(out).toContain("SIGINT:");
    expect(processesRunning("relay-without-sent.mjs"), "the relay under test still running").toEqual([]);
    expect(processesRunning("toxiproxy-server").length, "a Toxiproxy of the interrupted check still running").toBe(toxiproxiesBefore);
  }, 60_000);
});
