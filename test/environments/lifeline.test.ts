// The two layers that tie children to the harness's life (harness/environments/local/lifeline.ts),
// each alone and together, with a stand-in harness (test/fixtures/lifeline-parent.ts) killed with
// SIGKILL: setpriv's parent-death signal really reaches a child Node spawned, but not what that
// child starts; the watchdog ends the whole process group; a child spawned from a worker thread
// gets no parent-death signal (it would fire when the worker ends, not the harness).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { endLocalLeftovers } from "../../harness/environments/local/local-leftovers.ts";
import { processStartTime } from "../../harness/environments/local/process-identity.ts";
import { requireCommand } from "../support/require-tool.ts";

interface Children { single: number; group: number; grandchild: number; worker: number | null }

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch { /* gone */ }
  }
});

/** The stand-in harness with CHAOS_LIFELINE=`layers`, once it has started its children. */
async function parent(layers: string, withWorker = false) {
  const runtimeDir = mkdtempSync(join(tmpdir(), "lifeline-runtime-"));
  const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/lifeline-parent.ts", mkdtempSync(join(tmpdir(), "lifeline-logs-")), ...(withWorker ? ["worker"] : [])], {
    detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CHAOS_LIFELINE: layers, CHAOS_RUNTIME_DIR: runtimeDir },
  });
  let output = "";
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const children = await new Promise<Children>((resolve, reject) => {
    child.stdout.once("data", (d: Buffer) => resolve(JSON.parse(d.toString()) as Children));
    child.once("exit", () => reject(new Error(`the stand-in harness exited: ${output}`)));
  });
  const pids = [children.single, children.group, children.grandchild, ...(children.worker ? [children.worker] : [])];
  started.push(...pids, child.pid!);
  const starts = new Map(pids.map((pid) => [pid, processStartTime(pid)]));
  const exited = new Promise((r) => child.once("exit", r));
  return {
    children,
    runtimeDir,
    recordFile: join(runtimeDir, `harness-${child.pid}.json`),
    running: (pid: number) => processStartTime(pid) !== null && processStartTime(pid) === starts.get(pid),
    /** SIGKILL to the stand-in harness; resolves once it is gone */
    kill: async () => {
      process.kill(child.pid!, "SIGKILL");
      await exited;
    },
  };
}

/** Milliseconds until none of `pids` runs (at most `timeoutMs`). */
async function msUntilGone(running: (pid: number) => boolean, pids: number[], timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (pids.some(running) && Date.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 5));
  return Date.now() - t0;
}

describe("children die with the harness", () => {
  it("setpriv --pdeathsig (CHAOS_LIFELINE=pdeathsig): the kernel kills the harness's own children at once, not a shell's grandchild", async (ctx) => {
    await requireCommand("setpriv", "util-linux", ctx);
    const p = await parent("pdeathsig");
    await p.kill();
    const ms = await msUntilGone(p.running, [p.children.single, p.children.group], 2000);
    process.stderr.write(`[lifeline] pdeathsig: children gone ${ms} ms after the kill\n`);
    expect([p.children.single, p.children.group].map(p.running)).toEqual([false, false]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(p.running(p.children.grandchild), "the grandchild in the shell's group").toBe(true);
    // what the record still lists is clean's: the group's leftover member
    const sweep = await endLocalLeftovers({ dir: p.runtimeDir });
    expect(sweep.ended.flatMap((e) => e.pids)).toEqual([p.children.grandchild]);
    expect(p.running(p.children.grandchild)).toBe(false);
  });

  it("the watchdog alone (CHAOS_LIFELINE=watchdog, as where setpriv is missing): every child and the whole process group within 5 s, record removed", async () => {
    const p = await parent("watchdog");
    await p.kill();
    const ms = await msUntilGone(p.running, [p.children.single, p.children.group, p.children.grandchild], 5000);
    process.stderr.write(`[lifeline] watchdog: children and group gone ${ms} ms after the kill\n`);
    expect([p.children.single, p.children.group, p.children.grandchild].map(p.running)).toEqual([false, false, false]);
    const t0 = Date.now();
    while (existsSync(p.recordFile) && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(p.recordFile), "the dead harness's record").toBe(false);
  });

  it("both layers (the default): the children at once, the grandchild within 5 s", async (ctx) => {
    await requireCommand("setpriv", "util-linux", ctx);
    const p = await parent("pdeathsig,watchdog");
    await p.kill();
    const direct = await msUntilGone(p.running, [p.children.single, p.children.group], 5000);
    const all = await msUntilGone(p.running, [p.children.single, p.children.group, p.children.grandchild], 5000);
    process.stderr.write(`[lifeline] both: children gone ${direct} ms, grandchild ${direct + all} ms after the kill\n`);
    expect([p.children.single, p.children.group, p.children.grandchild].map(p.running)).toEqual([false, false, false]);
  });

  it("a child spawned from a worker thread outlives the worker (no parent-death signal there: it would fire when the worker ends)", async (ctx) => {
    await requireCommand("setpriv", "util-linux", ctx);
    const p = await parent("pdeathsig", true);
    // the stand-in printed its children after the worker ended
    await new Promise((r) => setTimeout(r, 300));
    expect(p.running(p.children.worker!)).toBe(true);
    await p.kill();
  });
});
