// Ctrl-C in the middle of a run: every fault healed, every process and container gone, a partial
// record written, exit code 130.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getContainerRuntimeClient } from "testcontainers";
import { describe, expect, it } from "vitest";
import { RUN_LABEL } from "../../harness/environments/containers/containers-environment.ts";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import type { FaultRecord } from "../../harness/timeline/fault-timeline.ts";
import { requireImages, requireTool } from "../support/require-tool.ts";

/** Every process below `root`, read from /proc. */
function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch { /* gone */ }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parentOf) if (parent === pid) (found.push(child), walk(child));
  };
  walk(root);
  return found;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");

async function labelledContainers(runId: string) {
  const { dockerode } = (await getContainerRuntimeClient()).container as unknown as { dockerode: import("dockerode") };
  return dockerode.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } });
}

async function interruptMidRun(env: "local" | "containers") {
  const dir = mkdtempSync(join(tmpdir(), `interrupt-${env}-`));
  const suite = join(dir, "suite.json");
  writeFileSync(suite, JSON.stringify({
    scenarios: [{ scenario: "steady", users: 20, rate: 10, warmup: "2s", duration: "5m", timeline: [{ at: "3s", target: "all-paths", fault: { kind: "latency", latencyMs: 100 } }] }],
  }));
  const child = spawn(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "--suite", suite, "--env", env, "--reports", dir], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const deadline = Date.now() + 120_000;
  while (!output.includes("faults: latency@all-paths")) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the fault never became active; output:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const runId = readlinkSync(join(dir, "latest"));
  if (env === "containers") expect((await labelledContainers(runId)).length, "relay and Toxiproxy containers while running").toBe(2);
  const processes = descendants(child.pid!);
  expect(processes.length, "the run has child processes (k6 at least)").toBeGreaterThan(0);
  child.kill("SIGINT");
  const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("still running 60 s after SIGINT"), 60_000))]);
  expect(code, output).toBe(130);
  expect(processes.filter(alive), "processes left behind").toEqual([]);

  const runDir = join(dir, "latest");
  const summary = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8")) as RunSummary;
  expect(summary.status).toBe("interrupted");
  const faults = readFileSync(join(runDir, "steady", "faults.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as FaultRecord);
  expect(faults.map((f) => `${f.event}:${f.ok}`)).toEqual(["inject:true", "heal:true"]);
  return summary;
}

describe("Ctrl-C in the middle of a run", () => {
  it("on local processes: heals the fault, stops every process, writes the record, exits 130", async () => {
    await requireTool("k6");
    await requireTool("toxiproxy-server");
    await interruptMidRun("local");
  });

  it("on containers: heals the fault, removes every container, stops every process, exits 130", async () => {
    await requireTool("k6");
    await requireImages();
    const summary = await interruptMidRun("containers");
    const left = await labelledContainers(summary.runId);
    expect(left.map((c) => `${c.Image} ${c.State}`), "containers left behind").toEqual([]);
  });
});
