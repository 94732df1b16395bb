// Interrupts however they arrive, sent to the whole process group the way a terminal does (the
// harness is started detached, so it leads its own group): Ctrl-C (twice at once, as terminal and
// npm deliver it) while containers start, in warm-up, during a fault and during analysis; SIGTERM,
// SIGHUP and an uncaught error during a fault; a deliberate second Ctrl-C, and `clean` after it.
// Each time: every fault healed, no container, network, process, toxic or temporary directory left,
// a partial record written.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getContainerRuntimeClient } from "testcontainers";
import { describe, expect, it } from "vitest";
import { RUN_LABEL } from "../../harness/environments/containers/containers-environment.ts";
import { FORCE_AFTER_MS } from "../../harness/run/interrupts.ts";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import type { FaultRecord } from "../../harness/timeline/fault-timeline.ts";
import { requireImages, requireTool } from "../support/require-tool.ts";
import { descendants } from "../support/process-tree.ts";


const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");

async function until(condition: () => boolean, ms: number): Promise<void> {
  for (const deadline = Date.now() + ms; !condition(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
  }
}

/** Processes of `pids` still alive 3 s after the harness exited (a helper such as esbuild's service exits when its pipe closes). */
async function survivors(pids: number[]): Promise<number[]> {
  for (let i = 0; i < 30 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(alive);
}

async function docker() {
  return ((await getContainerRuntimeClient()).container as unknown as { dockerode: import("dockerode") }).dockerode;
}

async function labelledContainers(runId: string) {
  return (await docker()).listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } });
}

async function networksOf(pid: number) {
  return (await docker()).listNetworks().then((all) => all.filter((n) => n.Name.startsWith(`e2ee-chaos-${pid}-`)).map((n) => n.Name));
}

type Signal = "SIGINT" | "SIGTERM" | "SIGHUP";
type Point = "starting containers" | "warm-up" | "fault" | "analysis";

/** What the harness prints at each point. */
const WAIT_FOR: Record<Point, string> = {
  "starting containers": "starting relay container",
  "warm-up": "| faults: none |",
  fault: "faults: latency@all-paths",
  analysis: "k6 finished: analysing",
};

interface Interrupted { code: number | null; output: string; runId: string; runDir: string; processes: number[]; pid: number; tmp: string; elapsedMs: number }

/** The harness among `pids`: the node process running harness/cli/main.ts (below npm and its shell). */
function harnessOf(pids: number[]): number | undefined {
  return pids.find((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      return /(^|\/)node$/.test(argv[0]) && argv.includes("harness/cli/main.ts");
    } catch {
      return false;
    }
  });
}

/** `viaNpm`: started as a user does, `npm run chaos -- ...` (npm forwards the terminal's SIGINT once more). */
async function interruptAt(env: "local" | "containers", point: Point, send: (pid: number, output: () => string) => Promise<void>, nodeArgs: string[] = [], viaNpm = false): Promise<Interrupted> {
  const dir = mkdtempSync(join(tmpdir(), `interrupt-${env}-`));
  const tmp = join(dir, "tmp"); // the harness's TMPDIR: whatever it leaves there is a leftover
  mkdirSync(tmp);
  const suite = join(dir, "suite.json");
  // analysis: a short run that ends by itself; otherwise one that would last five minutes
  const timing = point === "analysis" ? { warmup: "1s", duration: "4s" } : { warmup: "4s", duration: "5m" };
  writeFileSync(suite, JSON.stringify({
    scenarios: [{ scenario: "steady", users: 20, rate: 10, ...timing, timeline: [{ at: point === "analysis" ? "2s" : "5s", ...(point === "analysis" ? { for: "1s" } : {}), target: "all-paths", fault: { kind: "latency", latencyMs: 100 } }] }],
  }));
  const started = Date.now();
  const args = ["--suite", suite, "--env", env, "--reports", dir];
  const [command, argv] = viaNpm ? ["npm", ["run", "--silent", "chaos", "--", ...args]] : [process.execPath, [...nodeArgs, "--import", "tsx", "harness/cli/main.ts", ...args]];
  const child = spawn(command, argv, {
    stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env, TMPDIR: tmp },
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  // npm ends itself with the signal it was sent (a shell shows that as 130 too); the harness exits 130
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code, signal) => resolve(viaNpm && signal === "SIGINT" ? 130 : code)));
  try {
    const deadline = Date.now() + 120_000;
    while (!output.includes(WAIT_FOR[point])) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`never reached '${point}'; output:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const runId = readlinkSync(join(dir, "latest"));
    const processes = descendants(child.pid!);
    if (point === "fault" && env === "containers") expect((await labelledContainers(runId)).length, "relay and Toxiproxy containers while running").toBe(2);
    if (point === "fault" || point === "warm-up") expect(processes.length, "the run has child processes (k6 at least)").toBeGreaterThan(0);
    await send(child.pid!, () => output);
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("still running 90 s after the signal"), 90_000))]);
    const elapsedMs = Date.now() - started;
    return { code: code as number | null, output, runId, runDir: join(dir, "latest"), processes, pid: viaNpm ? harnessOf(processes) ?? -1 : child.pid!, tmp, elapsedMs };
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
  }
}

const toGroup = (signal: Signal, times = 1) => async (pid: number) => {
  for (let i = 0; i < times; i++) {
    if (i) await new Promise((r) => setTimeout(r, 30));
    process.kill(-pid, signal);
  }
};

/** Nothing left: processes, containers, networks, temporary files; every fault injected was healed. */
async function expectNothingLeft(run: Interrupted, env: "local" | "containers", status: "interrupted" | "failed") {
  expect(await survivors(run.processes), `processes left behind\n${run.output}`).toEqual([]);
  if (env === "containers") {
    expect((await labelledContainers(run.runId)).map((c) => `${c.Image} ${c.State}`), "containers left behind").toEqual([]);
    expect(await networksOf(run.pid), "networks left behind").toEqual([]);
  }
  // tsx's compile cache and Testcontainers' lock file are kept between runs by design
  expect(readdirSync(run.tmp).filter((f) => !f.startsWith("tsx-") && f !== "testcontainers-node.lock"), "temporary files left behind").toEqual([]);
  const summary = JSON.parse(readFileSync(join(run.runDir, "summary.json"), "utf8")) as RunSummary;
  expect(summary.status, run.output).toBe(status);
  const faultsFile = join(run.runDir, "steady", "faults.jsonl");
  const faults = existsSync(faultsFile) ? readFileSync(faultsFile, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as FaultRecord) : [];
  // every inject has its heal, and every heal worked (an interrupted run removes its toxics itself)
  expect(faults.filter((f) => f.event === "inject").length, "injects vs heals").toBe(faults.filter((f) => f.event === "heal").length);
  expect(faults.filter((f) => !f.ok).map((f) => `${f.event}: ${f.error}`), "failed injects or heals").toEqual([]);
  rmSync(join(run.tmp, ".."), { recursive: true, force: true });
  return { summary, faults };
}

describe("Ctrl-C sent to the process group, twice at once as a terminal and npm deliver it (containers)", () => {
  for (const point of ["starting containers", "warm-up", "fault", "analysis"] as const) {
    it(`${point}: exits 130 with nothing left behind`, async () => {
      await requireTool("k6");
      await requireImages();
      // during a fault through npm, as a user runs it; elsewhere the harness directly, the second SIGINT sent by the test
      const run = await interruptAt("containers", point, toGroup("SIGINT", 2), [], point === "fault");
      expect(run.code, run.output).toBe(130);
      const { faults } = await expectNothingLeft(run, "containers", "interrupted");
      if (point === "fault") expect(faults.map((f) => `${f.event}:${f.ok}`)).toEqual(["inject:true", "heal:true"]);
      expect(run.output).not.toContain("again: skipping");
    });
  }
});

describe("other ways a run ends early (local processes, during a fault)", () => {
  for (const signal of ["SIGTERM", "SIGHUP"] as const) {
    it(`${signal} to the group: heals the fault, stops every process, exits 130`, async () => {
      await requireTool("k6");
      await requireTool("toxiproxy-server");
      const run = await interruptAt("local", "fault", toGroup(signal));
      expect(run.code, run.output).toBe(130);
      const { faults } = await expectNothingLeft(run, "local", "interrupted");
      expect(faults.map((f) => `${f.event}:${f.ok}`)).toEqual(["inject:true", "heal:true"]);
    });
  }

  it("an uncaught error in the harness: heals the fault, stops every process, records the error, exits 1", async () => {
    await requireTool("k6");
    await requireTool("toxiproxy-server");
    // a preloaded module throws from a signal handler: an uncaught exception inside the harness process
    const crash = join(mkdtempSync(join(tmpdir(), "crash-hook-")), "crash.mjs");
    writeFileSync(crash, `process.on("SIGUSR2", () => { throw new Error("injected crash"); });\n`);
    const run = await interruptAt("local", "fault", async (pid) => void process.kill(pid, "SIGUSR2"), ["--import", crash]);
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain("injected crash");
    const { summary, faults } = await expectNothingLeft(run, "local", "failed");
    expect(summary.error).toContain("injected crash");
    expect(faults.map((f) => `${f.event}:${f.ok}`)).toEqual(["inject:true", "heal:true"]);
  });
});

describe("a deliberate second Ctrl-C after cleanup has visibly started (containers)", () => {
  it("skips the rest at once; the containers it leaves are removed by `npm run chaos -- clean`", async () => {
    await requireTool("k6");
    await requireImages();
    const run = await interruptAt("containers", "fault", async (pid, output) => {
      process.kill(-pid, "SIGINT");
      // "after cleanup has visibly started": counted from the harness's announcement, not from the signal
      await until(() => output().includes("SIGINT: healing faults"), 30_000);
      await new Promise((r) => setTimeout(r, FORCE_AFTER_MS + 200));
      // a busy harness may read the signal late: Ctrl-C again until it says it skips (or has ended)
      for (const deadline = Date.now() + 30_000; !output().includes("SIGINT again") && alive(pid) && Date.now() < deadline;) {
        process.kill(-pid, "SIGINT");
        await new Promise((r) => setTimeout(r, 300));
      }
    });
    expect(run.code, run.output).toBe(130);
    expect(run.output).toContain("SIGINT again: skipping the rest");
    expect(await survivors(run.processes), "child processes are killed even when forced").toEqual([]);
    const clean = spawn(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "clean"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    clean.stdout.on("data", (d: Buffer) => (out += d.toString()));
    clean.stderr.on("data", (d: Buffer) => (out += d.toString()));
    expect(await new Promise((r) => clean.on("exit", r)), out).toBe(0);
    expect(out).toMatch(/removed \d+ container\(s\)/);
    expect((await labelledContainers(run.runId)).map((c) => `${c.Image} ${c.State}`), "containers left after clean").toEqual([]);
    expect(await networksOf(run.pid), "networks left after clean").toEqual([]);
  });
});
