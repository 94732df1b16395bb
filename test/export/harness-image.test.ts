// The harness image (e2ee-chaos/harness, `npm run tools`) runs the collector of `export k8s` as its
// entrypoint. Here it runs under Podman as the exported Job would run it, on one network with the
// relay's and Toxiproxy's images under the names the exported Services give them: the collect
// options the Job passes, the plan from the Job's ConfigMap at /plan, the k6 archive from the
// script's ConfigMap at /script, the records folder at the records mount.
//
// What this proves: the bundle starts without node_modules; tar in the image reads the archive
// (population.json); the collector creates the four paths in the real Toxiproxy and measures its
// clock against the real relay through them (collector-clock.json). What it cannot: the Kubernetes
// API calls (pod delete, scale, TestRun stage) need an API server, which cannot run here. The
// collector reads the service account's files when it starts, so the test mounts a folder with a
// token nobody accepts: the collector reaches no API before the first runner's start record, and
// the test stops it there.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GenericContainer, getContainerRuntimeClient, Network, Wait, type StartedNetwork, type StartedTestContainer } from "testcontainers";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RelayContainer, type StartedRelayContainer } from "../../harness/environments/containers/relay-container.ts";
import { ToxiproxyContainer, type StartedToxiproxyContainer } from "../../harness/environments/containers/toxiproxy-container.ts";
import type { CollectorClock } from "../../harness/export/k8s/collect/collector-clock.ts";
import type { ExportedPlan } from "../../harness/export/k8s/export-k8s.ts";
import { ensureHarnessImage } from "../../harness/toolchain/harness-image.ts";
import { runChaos } from "../support/run-chaos.ts";
import { requireImages, requireTool } from "../support/require-tool.ts";

type Doc = { kind: string; metadata: { name: string }; [k: string]: any };
const SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";
const READY_LINE = /the TestRun may be applied now/;

let work: string;
let exportDir: string;
let harnessImage: string;
let plan: ExportedPlan;
let job: Doc;
let network: StartedNetwork | undefined;
let relay: StartedRelayContainer | undefined;
let toxiproxy: StartedToxiproxyContainer | undefined;
let collector: StartedTestContainer | undefined;
const logs: string[] = [];

const docs = (file: string): Doc[] => parseAllDocuments(readFileSync(join(exportDir, file), "utf8")).map((d) => d.toJS() as Doc);
const podSpec = () => job.spec.template.spec;
const mountOf = (volume: string): string => podSpec().containers[0].volumeMounts.find((m: { name: string }) => m.name === volume).mountPath;

/** What the exported Job hands the image: `args` after the image's entrypoint (a `command` would replace the entrypoint). */
function jobInvocation(): { command?: string[]; args?: string[] } {
  const { command, args } = podSpec().containers[0];
  return { ...(command ? { command } : {}), ...(args ? { args } : {}) };
}

/** The collect options the Job passes, wherever it puts them. */
function collectOptions(): string[] {
  const { command = [], args = [] } = jobInvocation();
  const all = [...command, ...args];
  return all.slice(all.indexOf("--plan"));
}

beforeAll(async () => {
  await requireTool("k6");
  const images = await requireImages();
  harnessImage = (await ensureHarnessImage({ log: (line) => process.stderr.write(`[images] ${line}\n`) })).name;
  work = mkdtempSync(join(tmpdir(), "harness-image-"));
  const exported = await runChaos(["export", "k8s", "--parallelism", "2", "--scenario", "restart", "--users", "10", "--out", join(work, "export")]);
  if (exported.code !== 0) throw new Error(`export k8s failed (${exported.code}):\n${exported.out}\n${exported.err}`);
  exportDir = join(work, "export", "restart");
  plan = JSON.parse(readFileSync(join(exportDir, "plan.json"), "utf8")) as ExportedPlan;
  job = docs("30-collector.yaml").find((d) => d.kind === "Job")!;

  // the pod's files: the plan ConfigMap, the script ConfigMap, the records claim, the service account
  const planMap = docs("30-collector.yaml").find((d) => d.kind === "ConfigMap")!;
  const scriptMap = docs("20-script.yaml").find((d) => d.kind === "ConfigMap")!;
  for (const dir of ["plan", "script", "records", "account"]) mkdirSync(join(work, dir));
  for (const [file, text] of Object.entries(planMap.data as Record<string, string>)) writeFileSync(join(work, "plan", file), text);
  for (const [file, b64] of Object.entries(scriptMap.binaryData as Record<string, string>)) writeFileSync(join(work, "script", file), Buffer.from(b64, "base64"));
  writeFileSync(join(work, "account", "token"), "no-api-server-accepts-this\n");
  writeFileSync(join(work, "account", "ca.crt"), "");
  writeFileSync(join(work, "account", "namespace"), "default\n");

  network = await new Network().start();
  relay = await new RelayContainer(images.relay.name).onNetwork(network, [plan.relayStatefulSet]).start();
  const servicesOfToxiproxy = [new URL(plan.toxiproxyApi).hostname, ...plan.toxiproxyPaths.map((p) => `${plan.test}-${p.name}`)];
  toxiproxy = await new ToxiproxyContainer(images.toxiproxy.name, { proxyPortCount: 1 }).onNetwork(network, servicesOfToxiproxy).start();
}, 300_000);

afterAll(async () => {
  // No Ryuk on Podman: remove everything we started, even after a failure.
  await Promise.allSettled([collector?.stop({ timeout: 1_000 }), toxiproxy?.stop(), relay?.stop()]);
  await network?.stop().catch(() => {});
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the harness image (the collector Job's program)", () => {
  it("is what the exported Job runs: collect's options after the image's entrypoint, no command of its own", () => {
    expect(jobInvocation()).toEqual({ args: ["--plan", `${mountOf("plan")}/plan.json`, "--records", mountOf("records"), "--archive", `${mountOf("script")}/archive.tar`] });
  });

  it("prints collect's usage for --help and refuses a missing option with exit code 2", async () => {
    const help = await runOnce(["--help"]);
    expect(help.exit, help.output).toBe(0);
    expect(help.output).toMatch(/usage: .*collect --plan plan\.json --records DIR --archive archive\.tar/);
    const bad = await runOnce(["--plan", "/nowhere/plan.json"]);
    expect(bad.exit, bad.output).toBe(2);
    expect(bad.output).toMatch(/--plan, --records and --archive are required/);
  }, 60_000);

  it("copies the population out of the archive with the image's tar, creates the four paths in Toxiproxy and measures its clock against the relay through them", async () => {
    collector = await new GenericContainer(harnessImage)
      .withNetwork(network!)
      .withCommand(collectOptions())
      .withBindMounts([
        { source: join(work, "plan"), target: mountOf("plan"), mode: "ro" },
        { source: join(work, "script"), target: mountOf("script"), mode: "ro" },
        { source: join(work, "records"), target: mountOf("records") },
        { source: join(work, "account"), target: SERVICE_ACCOUNT, mode: "ro" },
      ])
      .withLogConsumer((stream) => stream.on("data", (line: Buffer | string) => logs.push(String(line))))
      .withWaitStrategy(Wait.forLogMessage(READY_LINE))
      .withStartupTimeout(120_000)
      .start();
    // the wait strategy reads its own copy of the log: wait until the consumer has the clock's line too
    for (const deadline = Date.now() + 10_000; !/collector clock/.test(logs.join("")) && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
    const said = logs.join("");

    const records = join(work, "records");
    expect(JSON.parse(readFileSync(join(records, "plan.json"), "utf8"))).toEqual(plan);
    expect(readFileSync(join(records, "population.json"), "utf8")).toBe(readFileSync(join(exportDir, "population.json"), "utf8"));

    const proxies = (await (await fetch(`${toxiproxy!.apiUrl()}/proxies`)).json()) as Record<string, { listen: string; upstream: string; enabled: boolean }>;
    const port = (address: string) => address.slice(address.lastIndexOf(":") + 1);
    expect(Object.entries(proxies).map(([name, p]) => ({ name, port: port(p.listen), upstream: p.upstream, enabled: p.enabled })).sort((a, b) => a.name.localeCompare(b.name)), said).toEqual(
      plan.toxiproxyPaths.map((p) => ({ name: p.name, port: port(p.listen), upstream: p.upstream, enabled: true })).sort((a, b) => a.name.localeCompare(b.name)),
    );

    const clock = JSON.parse(readFileSync(join(records, "collector-clock.json"), "utf8")) as CollectorClock;
    expect(clock.url).toBe(`ws://${plan.test}-${plan.toxiproxyPaths[0]!.name}:20001/ws`);
    expect(clock.measured, said).not.toBeNull();
    // the containers share this machine's clock: the offset is within the round trip's bound
    expect(Math.abs(clock.measured!.offsetMs), JSON.stringify(clock)).toBeLessThanOrEqual(clock.measured!.boundMs + 5);
    expect(clock.measured!.samples).toBeGreaterThanOrEqual(1);
    expect(said).toMatch(/collector clock: relay minus collector -?\d+(\.\d+)? ms/);
  }, 180_000);
});

/** Runs the image once to its end with `args` (no network, nothing mounted): its exit code and output. */
async function runOnce(args: string[]): Promise<{ exit: number; output: string }> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const container = await docker.createContainer({ Image: harnessImage, Cmd: args, Tty: true, HostConfig: { NetworkMode: "none" } });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    return { exit: StatusCode, output: String(await container.logs({ stdout: true, stderr: true })) };
  } finally {
    await container.remove({ force: true }).catch(() => {});
  }
}
