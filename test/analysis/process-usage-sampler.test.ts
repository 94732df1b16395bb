// The /proc sampler against real child processes: a busy loop reads about one core, a sleeper about none.
import { spawn, type ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { cpus } from "node:os";
import { clockTicksPerSecond, ProcessUsageSampler, readMachineBusySeconds, readProcessUsage } from "../../harness/record/process-usage-sampler.ts";

const children: ChildProcess[] = [];
function child(code: string): ChildProcess {
  const c = spawn(process.execPath, ["-e", code], { stdio: "ignore" });
  children.push(c);
  return c;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});

describe.runIf(process.platform === "linux")("the process usage sampler (/proc)", () => {
  it("reads the clock tick rate", () => {
    expect(clockTicksPerSecond()).toBeGreaterThan(0);
  });

  it("reads about one core for a busy child and about none for a sleeping one, with their memory", async () => {
    // busy for 2.5 s, then it prints its own CPU account (process.cpuUsage) and idles until killed
    const busy = spawn(process.execPath, ["-e", "const end = Date.now() + 2500; while (Date.now() < end) {} const u = process.cpuUsage(); console.log((u.user + u.system) / 1e6); setInterval(() => {}, 1000);"], { stdio: ["ignore", "pipe", "ignore"] });
    children.push(busy);
    const ownAccount = new Promise<number>((resolve) => busy.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))));
    const idle = child("setInterval(() => {}, 1000)");
    const busySampler = new ProcessUsageSampler(500);
    const idleSampler = new ProcessUsageSampler(500);
    busySampler.start(busy.pid!);
    idleSampler.start(idle.pid!);
    const childCpuSeconds = await ownAccount;
    const busySamples = busySampler.stop();
    await sleep(Math.max(0, 2_000 - (Date.now() - busySamples[0].t)));
    const idleSamples = idleSampler.stop().slice(1); // the first holds node's start-up

    expect(busySamples.length).toBeGreaterThanOrEqual(4);
    const cores = busySamples.slice(1, -1).map((s) => s.cpuCores); // the first holds node's start-up, the last is short
    const mean = cores.reduce((a, b) => a + b, 0) / cores.length;
    process.stdout.write(`busy child: ${busySamples.map((s) => s.cpuCores).join(", ")} cores (its own account ${childCpuSeconds} s, sampled ${busySamples.at(-1)!.cpuSeconds} s); sleeping child: ${idleSamples.map((s) => s.cpuCores).join(", ")} cores\n`);
    // one core at most; less only when other work on the machine takes turns with it
    expect(mean).toBeLessThan(1.1);
    expect(mean).toBeGreaterThan(0.5);
    // and what the sampler read agrees with the child's own account of its CPU time
    expect(Math.abs(busySamples.at(-1)!.cpuSeconds - childCpuSeconds)).toBeLessThan(0.1);
    expect(idleSamples.length).toBeGreaterThanOrEqual(2);
    for (const s of idleSamples) expect(s.cpuCores).toBeLessThan(0.1);
    for (const s of [...busySamples, ...idleSamples]) {
      expect(s.rssMb).toBeGreaterThan(5);
      expect(s.rssMb).toBeLessThan(1024);
    }
    // the whole machine was at least as busy as the busy child, and never more than all its cores
    for (const s of busySamples.slice(1, -1)) {
      expect(s.machineBusyCores, `machine ${s.machineBusyCores} cores, the child ${s.cpuCores}`).toBeGreaterThanOrEqual(s.cpuCores - 0.05);
      expect(s.machineBusyCores).toBeLessThanOrEqual(cpus().length + 0.05);
    }
  });

  it("reads the machine's busy time from /proc/stat's first line: everything but idle and iowait", () => {
    const ticks = clockTicksPerSecond();
    const stat = `cpu  ${4 * ticks} ${ticks} ${2 * ticks} ${90 * ticks} ${3 * ticks} 0 ${ticks} 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\nintr 1 2 3\n`;
    expect(readMachineBusySeconds(stat)).toBeCloseTo(8, 6);
    expect(readMachineBusySeconds("intr 1 2 3\n")).toBeNull();
    expect(readMachineBusySeconds()).toBeGreaterThan(0);
  });

  it("takes no samples of a process that is gone", async () => {
    const gone = child("");
    await new Promise((resolve) => gone.once("exit", resolve));
    expect(readProcessUsage(gone.pid!)).toBeNull();
    const sampler = new ProcessUsageSampler(100);
    sampler.start(gone.pid!);
    await sleep(350);
    expect(sampler.stop()).toEqual([]);
  });
});
