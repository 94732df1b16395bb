// A harness killed with SIGKILL (the OOM killer, a cancelled CI job) runs no handler of its own:
// whatever it started must still end. Local environment, 20 users: killed at start-up, in warm-up,
// during a fault and during analysis (the reference relay), during a fault with Prosody, and with a
// relay command whose server is the shell's grandchild without setpriv (the watchdog alone, as on
// macOS). Each time no process of the run is left 5 s after the kill, and the runtime record and
// the server's temporary folder are gone too. A containers run killed in warm-up leaves its
// containers (labelled with the dead harness's pid) to the next run's sweep and to clean.
import { existsSync, mkdtempSync, readlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getContainerRuntimeClient } from "testcontainers";
import { describe, expect, it, type TestContext } from "vitest";
import { RUN_LABEL } from "../../harness/environments/containers/run-labels.ts";
import { runChaos } from "../support/run-chaos.ts";
import { requireCommand, requireImages, requireTool } from "../support/require-tool.ts";
import { killEverything, killHarness, recordOf, runProcesses, startHarness, untilGone, waitForOutput, writeSuite, type RunProcess } from "../support/killed-harness.ts";

const NOTHING_LEFT_AFTER_MS = 5000;

/** What the harness prints at each point. */
const WAIT_FOR = {
  "start-up": "starting relay on",
  "warm-up": "| faults: none |",
  fault: "faults: latency@all-paths",
  analysis: "k6 finished: analysing",
} as const;
type Point = keyof typeof WAIT_FOR;

async function killedAt(point: Point, extra: { args?: string[]; env?: Record<string, string>; waitFor?: string } = {}) {
  const suite = writeSuite(mkdtempSync(join(tmpdir(), "killed-suite-")), point === "analysis");
  const harness = startHarness(["--suite", suite, "--env", "local", ...(extra.args ?? [])], { env: extra.env });
  let processes: RunProcess[] = [];
  try {
    await waitForOutput(harness, extra.waitFor ?? WAIT_FOR[point]);
    processes = runProcesses(harness);
    const record = recordOf(harness);
    await killHarness(harness);
    const { ms, left } = await untilGone(processes, NOTHING_LEFT_AFTER_MS);
    process.stderr.write(`[harness-killed] ${point}${extra.args?.length ? ` ${extra.args.join(" ")}` : ""}: ${processes.length} processes, all gone ${ms} ms after the kill\n`);
    return { harness, processes, record, ms, left };
  } finally {
    killEverything(harness, processes);
  }
}

async function requireLocalTools(ctx: TestContext) {
  await requireTool("k6", ctx);
  await requireTool("toxiproxy-server", ctx);
  await requireCommand("setpriv", "util-linux", ctx);
}

/** The record and temporary folders go with the processes (the watchdog removes them). */
async function expectRecordGone(run: Awaited<ReturnType<typeof killedAt>>) {
  const deadline = Date.now() + NOTHING_LEFT_AFTER_MS;
  while (recordOf(run.harness) !== null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(recordOf(run.harness), "the runtime record of the killed harness").toBeNull();
  for (const dir of run.record?.directories ?? []) expect(existsSync(dir), `temporary folder ${dir}`).toBe(false);
}

describe("kill -9 of the harness (local environment)", () => {
  for (const point of Object.keys(WAIT_FOR) as Point[]) {
    it(`${point}: no process of the run is left 5 s later`, async (ctx) => {
      await requireLocalTools(ctx);
      const run = await killedAt(point);
      expect(run.left.map((p) => `${p.pid} ${p.what}`), run.harness.output()).toEqual([]);
      const names = run.processes.map((p) => p.what);
      // at start-up the relay may not be spawned yet: Toxiproxy is
      expect(names.some((n) => n.startsWith(point === "start-up" ? "toxiproxy-server" : "relay")), names.join("\n")).toBe(true);
      if (point === "warm-up" || point === "fault") expect(names.some((n) => n.startsWith("k6")), names.join("\n")).toBe(true);
      await expectRecordGone(run);
    });
  }

  it("--target prosody, during a fault: Prosody, Toxiproxy and k6 are gone 5 s later", async (ctx) => {
    await requireLocalTools(ctx);
    await requireCommand("prosody", "prosody", ctx);
    const run = await killedAt("fault", { args: ["--target", "prosody"] });
    expect(run.left.map((p) => `${p.pid} ${p.what}`), run.harness.output()).toEqual([]);
    expect(run.processes.map((p) => p.what).join("\n")).toMatch(/^prosody: .*lua/m);
    await expectRecordGone(run);
  });

  it("a relay command whose server is the shell's grandchild, without setpriv (CHAOS_LIFELINE=watchdog, as on macOS): its whole group is gone 5 s later", async (ctx) => {
    await requireTool("k6", ctx);
    await requireTool("toxiproxy-server", ctx);
    // `& wait`: the relay runs as the shell's child, in the shell's process group
    const run = await killedAt("fault", { args: ["--relay-command", "node dist/relay.mjs & wait"], env: { CHAOS_LIFELINE: "watchdog" } });
    expect(run.left.map((p) => `${p.pid} ${p.what}`), run.harness.output()).toEqual([]);
    expect(run.processes.map((p) => p.what).join("\n")).toMatch(/of relay command's group: node dist\/relay\.mjs/);
    await expectRecordGone(run);
  });
});

describe("kill -9 of the harness (containers environment)", () => {
  it("its containers stay for the next run's sweep and for clean, which remove them; its local processes (k6) are gone 5 s later", async (ctx) => {
    await requireTool("k6", ctx);
    await requireImages(ctx);
    const suite = writeSuite(mkdtempSync(join(tmpdir(), "killed-suite-")));
    const docker = ((await getContainerRuntimeClient()).container as unknown as { dockerode: import("dockerode") }).dockerode;
    const containersOf = async (runId: string) => (await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } })).map((c) => `${c.Image} ${c.State}`);
    const networksOf = async (pid: number) => (await docker.listNetworks()).filter((n) => n.Name.startsWith(`e2ee-chaos-${pid}-`)).map((n) => n.Name);

    /** a containers run killed in warm-up: its run id, once its local processes are gone */
    const killedInWarmUp = async (runtimeDir?: string) => {
      const harness = startHarness(["--suite", suite, "--env", "containers"], runtimeDir ? { runtimeDir } : {});
      let processes: RunProcess[] = [];
      try {
        await waitForOutput(harness, WAIT_FOR["warm-up"]);
        const runId = readlinkSync(join(harness.reports, "latest"));
        processes = runProcesses(harness);
        expect(processes.map((p) => p.what).join("\n")).toMatch(/^k6: /m);
        await killHarness(harness);
        const { ms, left } = await untilGone(processes, NOTHING_LEFT_AFTER_MS);
        process.stderr.write(`[harness-killed] containers, warm-up: ${processes.length} local processes, all gone ${ms} ms after the kill\n`);
        expect(left.map((p) => `${p.pid} ${p.what}`), harness.output()).toEqual([]);
        return { harness, runId };
      } finally {
        killEverything(harness, processes);
      }
    };

    const first = await killedInWarmUp();
    expect(await containersOf(first.runId), "the killed harness's relay and Toxiproxy containers").toEqual([expect.stringMatching(/ running$/), expect.stringMatching(/ running$/)]);
    // the next run removes them before it starts its own
    const next = await killedInWarmUp();
    expect(next.harness.output()).toMatch(new RegExp(`removed \\d+ container\\(s\\) of run\\(s\\) [^\\n]*${first.runId}`));
    expect(await containersOf(first.runId)).toEqual([]);
    expect(await networksOf(first.harness.pid)).toEqual([]);
    // and clean removes what the next run, killed in turn, left
    expect((await containersOf(next.runId)).length).toBe(2);
    const clean = await runChaos(["clean"], { CHAOS_RUNTIME_DIR: next.harness.runtimeDir });
    expect(clean.code, clean.err).toBe(0);
    expect(clean.out).toContain(`(run ${next.runId})`);
    expect(await containersOf(next.runId)).toEqual([]);
    expect(await networksOf(next.harness.pid)).toEqual([]);
  });
});
