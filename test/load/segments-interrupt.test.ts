// Ctrl-C during a run over two k6 instances (--segments 2): the harness sends each instance SIGINT
// once, with its own grace (harness/load/segments/instance-stop.ts; k6 takes a second SIGINT as
// "abort now" and writes no summary), prints why, and every instance writes its records and its
// summary before it exits. The run exits 130, nothing is killed, and no process is left behind.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import { parseClientEvents } from "../../harness/record/client-event-tail.ts";
import { descendants } from "../support/process-tree.ts";
import { requireTool } from "../support/require-tool.ts";

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");

describe("Ctrl-C during a run over two k6 instances", () => {
  it("stops each instance once with its own grace: both write records and summary, exit 130, nothing left", async () => {
    await requireTool("k6");
    await requireTool("toxiproxy-server");
    const dir = mkdtempSync(join(tmpdir(), "segments-interrupt-"));
    const suite = join(dir, "suite.json");
    writeFileSync(suite, JSON.stringify({ name: "segments-interrupt", scenarios: [{ scenario: "steady", users: 24, rate: 20, warmup: "3s", duration: "5m", timeline: [] }] }));
    // detached: the harness leads its own group, and the signal goes to the group as a terminal sends it
    const child = spawn(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "--suite", suite, "--env", "local", "--reports", dir, "--segments", "2", "--vus", "4"], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d));
    child.stderr.on("data", (d: Buffer) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    // into the sending phase: both instances have users and messages by then
    for (const deadline = Date.now() + 90_000; !/\| faults: none \|/.test(output); await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the run did not reach its warm-up:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 6000));
    const processes = descendants(child.pid!);
    expect(processes.length).toBeGreaterThan(2);
    process.kill(-child.pid!, "SIGINT");
    const code = await exited;

    expect(code, output).toBe(130);
    expect(output).toMatch(/interrupted: SIGINT to k6 instance 0, k6 instance 1; each has \d+ s to write its records and summary/);
    expect(output).not.toContain("killed (SIGKILL)");
    const runDir = join(dir, /^run (\S+): suite/m.exec(output)![1]);
    const summary = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8")) as RunSummary;
    expect(summary.status).toBe("interrupted");
    for (const i of [0, 1]) {
      const records = readFileSync(join(runDir, "steady", `instance-${i}`, "k6-console.jsonl"), "utf8").split("\n").flatMap(parseClientEvents);
      expect(records.filter((e) => e.ev === "sent").length, `instance ${i}'s records`).toBeGreaterThan(0);
      // handleSummary ran: the instance stopped gracefully (a second SIGINT exits without it)
      expect(existsSync(join(runDir, "steady", `instance-${i}`, "k6-summary.json")), `instance ${i}'s summary`).toBe(true);
    }
    for (let i = 0; i < 30 && processes.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    expect(processes.filter(alive)).toEqual([]);
  }, 150_000);
});
