// Issue 25, item 3, as a user meets it: `npm run chaos -- --users 1000000000` (or a suite with such
// a field) exits 2 with the estimate within a second of the harness starting, and starts nothing:
// no relay, Toxiproxy or k6 process, no run folder.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commandOf, descendants } from "../support/process-tree.ts";


interface Timed { code: number | null; err: string; ms: number; children: string[] }

/** The harness on `args`, timed from spawn to exit, with every process it started (sampled every 10 ms). */
function chaosTimed(args: string[]): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--import", "tsx", "harness/cli/main.ts", ...args], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    // a harness that did start the run (as before issue 25) is interrupted as Ctrl-C would, so it stops what it started
    const guard = setTimeout(() => process.kill(-child.pid!, "SIGINT"), 20_000);
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.stdout.resume();
    const seen = new Map<number, string>();
    const sampler = setInterval(() => {
      for (const pid of descendants(child.pid!)) seen.set(pid, commandOf(pid));
    }, 10);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(sampler);
      clearTimeout(guard);
      resolve({ code, err, ms: performance.now() - started, children: [...seen.values()] });
    });
  });
}

/** What a run starts: the relay, Toxiproxy, k6, a container engine, an XMPP server. */
const RUN_PROCESS = /relay|toxiproxy|k6|podman|docker|prosody|ejabberd/;

describe("a size this machine cannot hold, refused before anything starts", () => {
  it("--users 1000000000: exit 2 with the estimate within a second of the harness starting, nothing started, no run folder", async () => {
    const reports = join(mkdtempSync(join(tmpdir(), "sizes-refused-")), "reports");
    // against the same harness refusing a malformed flag (node, tsx and the modules, and nothing
    // else), alternately three times each, the fastest of each: the machine may be busy
    const baselines: Timed[] = [];
    const runs: Timed[] = [];
    for (let i = 0; i < 3; i++) {
      baselines.push(await chaosTimed(["--users", "many", "--env", "local", "--reports", reports]));
      runs.push(await chaosTimed(["--users", "1000000000", "--env", "local", "--reports", reports]));
      expect(baselines[i].code).toBe(2);
      expect(runs[i].code, runs[i].err).toBe(2);
    }
    const fastest = (all: Timed[]) => all.reduce((a, b) => (b.ms < a.ms ? b : a));
    const baseline = fastest(baselines);
    const run = fastest(runs);
    expect(run.err).toMatch(/^error: --users 1000000000: 1,000,000,000 users need about 209 TiB of k6 memory \(224 KiB a user\), .*; this machine has [\d.]+ GiB .*; at most about [\d,]+ users here; use a bigger machine .*; nothing was started\n$/);
    expect(run.ms - baseline.ms, `${run.ms} ms against ${baseline.ms} ms for a malformed flag`).toBeLessThan(1000);
    expect(runs.flatMap((r) => r.children).filter((c) => RUN_PROCESS.test(c))).toEqual([]);
    expect(existsSync(reports), "a run folder was made").toBe(false);
  });

  it("a suite file with such a field: exit 2 naming the file and the field, nothing started", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sizes-refused-"));
    const suite = join(dir, "huge.json");
    writeFileSync(suite, JSON.stringify({ scenarios: [{ scenario: "steady", users: 100 }, { scenario: "restart", name: "restart-huge", users: 1_000_000_000 }] }));
    const run = await chaosTimed(["--suite", suite, "--env", "local", "--reports", join(dir, "reports")]);
    expect(run.code, run.err).toBe(2);
    expect(run.err).toContain(`error: ${suite}: scenarios[1].users: 1,000,000,000 users need about 209 TiB of k6 memory`);
    expect(run.err).toContain("nothing was started");
    expect(run.children.filter((c) => RUN_PROCESS.test(c))).toEqual([]);
    expect(existsSync(join(dir, "reports"))).toBe(false);
  });
});
