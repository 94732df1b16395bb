// `npm run chaos -- export k8s` writes manifests a cluster with the k6-operator accepts: checked
// here offline with the pinned kubeconform. The TestRun is validated strictly against the schema
// derived from the operator's CRD (harness/export/k8s/schemas); kubeconform has no built-in
// Kubernetes schemas and they cannot be downloaded here, so the core kinds (Service, StatefulSet,
// Job, ...) are only parsed and skipped (-ignore-missing-schemas), and the tests say so.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { PATH_PLAN } from "../../harness/environments/network-paths.ts";
import { copyArchivedPopulation } from "../../harness/export/k8s/collect/archive-population.ts";
import { executionSegmentArgs } from "../../harness/load/segments/execution-segment-args.ts";
import { runChaos, type ChaosRun } from "../support/run-chaos.ts";
import { requireTool, type FoundTool } from "../support/require-tool.ts";

const SCHEMAS = "harness/export/k8s/schemas/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json";
type Doc = { kind: string; metadata: { name: string }; [k: string]: any };

let kubeconform: FoundTool;
let k6: FoundTool;
let out: string;
let exported: ChaosRun;
const docs = (file: string): Doc[] => parseAllDocuments(readFileSync(join(out, "restart", file), "utf8")).map((d) => d.toJS() as Doc);

function validate(files: string[]): { code: number | null; text: string } {
  const r = spawnSync(kubeconform.path, ["-strict", "-summary", "-verbose", "-ignore-missing-schemas", "-schema-location", SCHEMAS, ...files], { encoding: "utf8" });
  return { code: r.status, text: `${r.stdout}${r.stderr}` };
}

beforeAll(async () => {
  kubeconform = await requireTool("kubeconform");
  k6 = await requireTool("k6");
  out = mkdtempSync(join(tmpdir(), "export-k8s-"));
  exported = await runChaos(["export", "k8s", "--parallelism", "3", "--scenario", "restart", "--users", "20", "--out", out]);
}, 120_000);

describe("export k8s", () => {
  it("writes manifests in which kubeconform -strict accepts the TestRun against the operator's CRD schema (core kinds skipped: no offline schemas)", () => {
    expect(exported.code, exported.err).toBe(0);
    const result = validate(["10-environment.yaml", "20-script.yaml", "30-collector.yaml", "40-testrun.yaml"].map((f) => join(out, "restart", f)));
    expect(result.code, result.text).toBe(0);
    expect(result.text).toMatch(/TestRun chaos-restart is valid/);
    expect(result.text).toMatch(/Invalid: 0, Errors: 0/);
  });

  it.each([
    ["without a script", (spec: any) => delete spec.script, /missing propert(y|ies) 'script'/],
    ["with parallelism as a string", (spec: any) => (spec.parallelism = "3"), /parallelism.*(integer|got string)/s],
    ["with an unknown field", (spec: any) => (spec.paralelism = 3), /additional propert(y|ies) 'paralelism' not allowed/],
  ])("refuses a TestRun %s", (_name, spoil, why) => {
    const [testRun] = docs("40-testrun.yaml");
    spoil(testRun!.spec);
    const file = join(out, "spoiled-testrun.json");
    writeFileSync(file, JSON.stringify(testRun));
    const result = validate([file]);
    expect(result.code, result.text).toBe(1);
    expect(result.text).toMatch(why);
  });

  it("packs the scenario with k6 archive into the ConfigMap the TestRun names, with the paths' Services as its endpoints", () => {
    const [testRun] = docs("40-testrun.yaml");
    const [configMap] = docs("20-script.yaml");
    expect(testRun!.spec).toMatchObject({ parallelism: 3, script: { configMap: { name: configMap!.metadata.name, file: "archive.tar" } } });
    const tar = join(out, "archive-from-configmap.tar");
    writeFileSync(tar, Buffer.from(configMap!.binaryData["archive.tar"], "base64"));
    const inspected = JSON.parse(execFileSync(k6.path, ["inspect", tar], { encoding: "utf8" })) as { scenarios?: object };
    expect(Object.keys(inspected.scenarios ?? {}).length).toBeGreaterThan(0);
    const metadata = JSON.parse(execFileSync("tar", ["-xOf", tar, "metadata.json"], { encoding: "utf8" })) as { env: Record<string, string> };
    expect(metadata.env.ENDPOINTS?.split(",").map((e) => e.split("=")[0])).toEqual(PATH_PLAN.map((p) => p.name));
    const services = new Set(docs("10-environment.yaml").filter((d) => d.kind === "Service").map((d) => d.metadata.name));
    for (const endpoint of metadata.env.ENDPOINTS!.split(",")) expect(services).toContain(new URL(endpoint.split("=")[1]!).hostname);
  });

  it("puts the population where the collector gathers it: the collector mounts the runners' archive and copies the export's users out of it", async () => {
    const [configMap] = docs("20-script.yaml");
    const job = docs("30-collector.yaml").find((d) => d.kind === "Job")!;
    const pod = job.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: "script", configMap: { name: configMap!.metadata.name } });
    const command: string[] = pod.containers[0].args;
    expect(command.slice(command.indexOf("--archive"), command.indexOf("--archive") + 2)).toEqual(["--archive", "/script/archive.tar"]);
    const tar = join(out, "archive-for-collector.tar");
    writeFileSync(tar, Buffer.from(configMap!.binaryData["archive.tar"], "base64"));
    const copy = join(out, "gathered-population.json");
    await copyArchivedPopulation(tar, copy);
    const exportedUsers = readFileSync(join(out, "restart", "population.json"), "utf8");
    expect(JSON.parse(exportedUsers).members).toHaveLength(20);
    expect(readFileSync(copy, "utf8")).toBe(exportedUsers);
    writeFileSync(join(out, "not-an-archive.tar"), "plain text");
    await expect(copyArchivedPopulation(join(out, "not-an-archive.tar"), copy)).rejects.toThrow(/not-an-archive\.tar: not a k6 archive/);
  });

  it("plans each path through Toxiproxy to the relay listener the local environment uses, serves it as a Service, and keeps the relay's store on a claim", () => {
    const environment = docs("10-environment.yaml");
    const plan = JSON.parse(readFileSync(join(out, "restart", "plan.json"), "utf8")) as { toxiproxyPaths: { name: string; listen: string; upstream: string }[] };
    const proxies = plan.toxiproxyPaths;
    expect(proxies.map((p) => p.name)).toEqual(PATH_PLAN.map((p) => p.name));
    for (const [i, p] of PATH_PLAN.entries()) expect(proxies[i]!.upstream).toBe(`chaos-restart-relay:${7001 + p.listener}`);
    for (const proxy of proxies) {
      const service = environment.find((d) => d.kind === "Service" && d.metadata.name === `chaos-restart-${proxy.name}`)!;
      expect(service.spec.ports[0].targetPort).toBe(Number(proxy.listen.split(":")[1]));
    }
    const relay = environment.find((d) => d.kind === "StatefulSet")!;
    expect(relay.spec.volumeClaimTemplates[0].metadata.name).toBe(relay.spec.template.spec.containers[0].volumeMounts[0].name);
  });

  it("records for each runner the segment flags the operator gives it, the same as --segments", () => {
    const plan = JSON.parse(readFileSync(join(out, "restart", "plan.json"), "utf8")) as { runners: { index: number; segmentArgs: string[] }[] };
    expect(plan.runners.map((r) => r.segmentArgs)).toEqual([0, 1, 2].map((i) => executionSegmentArgs(i, 3)));
    expect(plan.runners[1]!.segmentArgs).toEqual(["--execution-segment=1/3:2/3", "--execution-segment-sequence=0,1/3,2/3,1"]);
  });

  it.each([
    [["export", "k8s", "--parallelism", "0", "--out", "x"], /--parallelism=0 is not allowed; allowed: a whole number >= 1/],
    [["export", "k8s", "--out", "x"], /--parallelism is required/],
    [["export", "helm", "--parallelism", "2", "--out", "x"], /'helm' is not allowed; allowed: k8s/],
  ])("refuses bad input with exit code 2: %s", async (args, why) => {
    const run = await runChaos(args);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(why);
  });
});
