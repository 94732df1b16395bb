// What a killed harness could not take with it is found from its runtime record: by
// `npm run chaos -- clean` and by the next run, which end a dead harness's processes (with their
// process groups), never a running harness's, never a pid that now belongs to another process.
// A harness that leaves its children behind is made with CHAOS_LIFELINE=off; records of a running
// harness and of a reused pid are written by the test for processes it started itself.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, type TestContext } from "vitest";
import type { HarnessRecord, RecordedProcess } from "../../harness/environments/local/harness-record.ts";
import { processTreePids } from "../../harness/environments/local/process-group.ts";
import { bootId, processStartTime } from "../../harness/environments/local/process-identity.ts";
import { runChaos } from "../support/run-chaos.ts";
import { requireTool } from "../support/require-tool.ts";
import { killEverything, killHarness, recordOf, runProcesses, startHarness, stillRunning, untilGone, waitForOutput, writeSuite, type RunProcess } from "../support/killed-harness.ts";

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch { /* gone */ }
  }
});

/** A process the test starts and owns, leading its own process group (as the harness starts them). */
function own(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { detached: true, stdio: "ignore" });
  started.push(child);
  return child;
}

const goneHarnessPid = () => spawnSync(process.execPath, ["-e", ""]).pid!; // ran and exited: no such process now

function entry(name: string, pid: number, group: boolean, startTime = processStartTime(pid)): RecordedProcess {
  return { name, pid, group, startTime, startedAt: new Date().toISOString() };
}

function writeRecord(dir: string, harness: { pid: number; startTime: string | null }, processes: RecordedProcess[]): string {
  const record: HarnessRecord = { harness: { ...harness, bootId: bootId(), startedAt: new Date().toISOString(), command: ["test"] }, processes, directories: [] };
  const file = join(dir, `harness-${harness.pid}.json`);
  writeFileSync(file, JSON.stringify(record));
  return file;
}

const running = (pid: number) => processStartTime(pid) !== null;

async function requireLocalTools(ctx: TestContext) {
  await requireTool("k6", ctx);
  await requireTool("toxiproxy-server", ctx);
}

describe("npm run chaos -- clean (local processes)", () => {
  it("ends what a killed harness left running, and leaves a running harness's processes and a reused pid alone", async (ctx) => {
    await requireLocalTools(ctx);
    const runtimeDir = mkdtempSync(join(tmpdir(), "clean-runtime-"));
    // a harness without its lifeline: killed during a fault, it leaves the relay and k6 running
    const harness = startHarness(["--suite", writeSuite(mkdtempSync(join(tmpdir(), "clean-suite-"))), "--env", "local"], { runtimeDir, env: { CHAOS_LIFELINE: "off" } });
    let processes: RunProcess[] = [];
    try {
      await waitForOutput(harness, "faults: latency@all-paths");
      processes = runProcesses(harness);
      const recorded = recordOf(harness);
      await killHarness(harness);
      await new Promise((r) => setTimeout(r, 1000));
      const left = stillRunning(processes);
      expect(left.map((p) => p.what).join("\n"), "what the killed harness left (no lifeline)").toMatch(/relay\.mjs/);
      expect(left.map((p) => p.what).join("\n")).toMatch(/k6 run/);
      expect(recorded, "the harness's runtime record").not.toBeNull();
      const record = recorded!;

      // a harness that runs (this test's own sleep) with a process of its own
      const liveHarness = own("sleep", ["600"]);
      const liveChild = own("sleep", ["601"]);
      writeRecord(runtimeDir, { pid: liveHarness.pid!, startTime: processStartTime(liveHarness.pid!) }, [entry("relay", liveChild.pid!, false)]);
      // a dead harness whose recorded pid now runs something else (another start time)
      const reused = own("sleep", ["602"]);
      writeRecord(runtimeDir, { pid: goneHarnessPid(), startTime: "1" }, [entry("relay", reused.pid!, false, "1")]);

      const clean = await runChaos(["clean"], { CHAOS_RUNTIME_DIR: runtimeDir });
      expect(clean.code, clean.err).toBe(0);
      for (const p of record.processes.filter((r) => left.some((l) => l.pid === r.pid))) {
        expect(clean.out).toMatch(new RegExp(`ended ${p.name} pid ${p.pid} \\(started \\d\\d:\\d\\d:\\d\\d by harness pid ${harness.pid}, gone\\)`));
      }
      expect(clean.out).toContain(`harness pid ${liveHarness.pid} still runs`);
      expect(clean.out).toContain(`left pid ${reused.pid} alone: it is no longer the relay harness pid`);
      expect(stillRunning(processes).map((p) => p.what), clean.out).toEqual([]);
      expect([liveHarness.pid, liveChild.pid, reused.pid].map((pid) => running(pid!)), "the running harness's process and the reused pid").toEqual([true, true, true]);
      expect(existsSync(join(runtimeDir, `harness-${harness.pid}.json`)), "the dead harness's record").toBe(false);
      expect(existsSync(join(runtimeDir, `harness-${liveHarness.pid}.json`)), "the running harness's record").toBe(true);
      for (const dir of record.directories) expect(existsSync(dir), dir).toBe(false);

      // nothing left to end: clean says so
      const again = await runChaos(["clean"], { CHAOS_RUNTIME_DIR: runtimeDir });
      expect(again.out).toContain("no local processes left by harnesses that are gone");
    } finally {
      killEverything(harness, processes);
    }
  });

  it("ends a dead harness's process group with its descendants, though the group's leader (a shell) is gone", async () => {
    const runtimeDir = mkdtempSync(join(tmpdir(), "clean-runtime-"));
    const shell = own("/bin/sh", ["-c", "sleep 603 & sleep 604 & wait"]);
    await new Promise((r) => setTimeout(r, 300));
    const members = processTreePids(shell.pid!).filter((pid) => pid !== shell.pid);
    expect(members).toHaveLength(2);
    writeRecord(runtimeDir, { pid: goneHarnessPid(), startTime: null }, [entry("relay command", shell.pid!, true)]);
    process.kill(shell.pid!, "SIGKILL"); // the shell dies, its two sleeps run on in its group
    await new Promise((r) => setTimeout(r, 200));
    expect(members.map(running)).toEqual([true, true]);
    const clean = await runChaos(["clean"], { CHAOS_RUNTIME_DIR: runtimeDir });
    expect(clean.out).toContain(`ended what was left of relay command pid ${shell.pid}: 2 process(es) of its group`);
    expect(members.map(running)).toEqual([false, false]);
  });
});

describe("the next run", () => {
  it("starts by ending what dead harnesses left running, saying what it ended", async (ctx) => {
    await requireLocalTools(ctx);
    const runtimeDir = mkdtempSync(join(tmpdir(), "sweep-runtime-"));
    const leftover = own("sleep", ["605"]);
    const deadPid = goneHarnessPid();
    writeRecord(runtimeDir, { pid: deadPid, startTime: null }, [entry("k6", leftover.pid!, false)]);
    const harness = startHarness(["--suite", writeSuite(mkdtempSync(join(tmpdir(), "sweep-suite-"))), "--env", "local"], { runtimeDir });
    let processes: RunProcess[] = [];
    try {
      await waitForOutput(harness, "| faults: none |");
      processes = runProcesses(harness);
      expect(harness.output()).toMatch(new RegExp(`ended k6 pid ${leftover.pid} \\(started [\\d:]+ by harness pid ${deadPid}, gone\\)`));
      expect(running(leftover.pid!)).toBe(false);
      // and this run, killed in turn, leaves nothing either
      await killHarness(harness);
      expect((await untilGone(processes, 5000)).left).toEqual([]);
    } finally {
      killEverything(harness, processes);
    }
  });
});
