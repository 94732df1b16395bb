// Issue 25, item 3: a large (allowed) population prints progress while it is generated, and Ctrl-C
// during generation stops the run at once: exit 130 within a few seconds, the relay and Toxiproxy
// stopped, no process of the run left, nothing cached.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_POPULATION_CACHE } from "../../harness/load/population.ts";
import { requireTool } from "../support/require-tool.ts";
import { commandOf, descendants } from "../support/process-tree.ts";


const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");

describe("population generation of a large population", () => {
  it("prints progress, and Ctrl-C during it exits 130 within a few seconds with nothing of the run left", async () => {
    await requireTool("k6");
    await requireTool("toxiproxy-server");
    const USERS = 60_000; // allowed on a 24 GiB machine (at most about 86,000), about 30 s of generation on 2 cores
    const seed = 700_000 + Math.floor(Math.random() * 100_000); // never cached
    const dir = mkdtempSync(join(tmpdir(), "population-interrupt-"));
    const child = spawn(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "--scenario", "steady", "--users", String(USERS), "--seed", String(seed), "--env", "local", "--reports", join(dir, "reports")], {
      stdio: ["ignore", "pipe", "pipe"], detached: true,
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d));
    child.stderr.on("data", (d: Buffer) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!/generating users: [\d,]+\/60,000 \(\d+%\)/.test(output)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no progress line; output:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const processes = descendants(child.pid!);
      expect(processes.map(commandOf).filter((c) => /relay\.mjs|toxiproxy-server/.test(c)).length, "the relay and Toxiproxy run").toBeGreaterThanOrEqual(2);
      const interruptedAt = Date.now();
      process.kill(-child.pid!, "SIGINT"); // a terminal's Ctrl-C: the whole process group
      const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("still running 10 s after Ctrl-C"), 10_000))]);
      const stoppedMs = Date.now() - interruptedAt;
      expect(code, output).toBe(130);
      expect(stoppedMs, output).toBeLessThan(5000);
      expect(output).toMatch(/interrupted: population generation interrupted after [\d,]+ of 60,000 users/);
      // the progress lines say how far it got and how long is left
      expect(output).toMatch(/\[steady\] {3}generating users: [\d,]+\/60,000 \(\d+%\), [\d.]+ s/);
      for (let i = 0; i < 30 && processes.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
      expect(processes.filter(alive).map((pid) => `${pid} ${commandOf(pid)}`), "processes of the run left").toEqual([]);
      const cached = existsSync(DEFAULT_POPULATION_CACHE) ? readdirSync(DEFAULT_POPULATION_CACHE).filter((f) => f.includes(`-users${USERS}-seed${seed}-`)) : [];
      expect(cached, "a cache file of an interrupted population").toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid!, "SIGINT");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
        if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
