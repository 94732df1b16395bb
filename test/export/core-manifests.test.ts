// The core objects `export k8s` writes (the relay's StatefulSet and Service, Toxiproxy's Deployment
// and Services, the script's ConfigMap or volume claim, the records claim, the collector's Job,
// ConfigMap, ServiceAccount, Role and RoleBinding) are built from kubernetes-models' classes and
// validated against Kubernetes' own schema for their kind before they are written: an invalid one
// is refused naming the object and the field. (The schemas accept unknown fields; the TestRun, a
// CRD, is validated strictly against the operator's schema in export-k8s.test.ts.)
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { Service } from "kubernetes-models/v1/Service";
import { collectorObjects } from "../../harness/export/k8s/collector-manifests.ts";
import { InvalidManifestError, toYamlDocuments, validateCore, type CoreObject } from "../../harness/export/k8s/k8s-object.ts";
import { relayObjects } from "../../harness/export/k8s/relay-manifests.ts";
import { CONFIGMAP_LIMIT_BYTES, scriptSource } from "../../harness/export/k8s/script-source.ts";
import { recordsClaim } from "../../harness/export/k8s/testrun.ts";
import { toxiproxyObjects } from "../../harness/export/k8s/toxiproxy-manifests.ts";

const labels = { "e2ee-chaos/test": "chaos-x" };
const small = scriptSource("chaos-x", new Uint8Array(1000), labels);
const large = scriptSource("chaos-x", new Uint8Array(CONFIGMAP_LIMIT_BYTES + 1), labels);
const allCore = (): CoreObject[] => [
  recordsClaim("chaos-x", labels), ...relayObjects("chaos-x", "e2ee-chaos/relay:1", {}, labels), ...toxiproxyObjects("chaos-x", labels),
  ...small.objects, ...large.objects, ...collectorObjects("chaos-x", "harness:1", { name: "x" }, small, labels),
];

function refusal(object: CoreObject): InvalidManifestError {
  try {
    toYamlDocuments([object]);
  } catch (e) {
    if (e instanceof InvalidManifestError) return e;
    throw e;
  }
  throw new Error(`${object.kind} was accepted`);
}

describe("the exported core objects", () => {
  it("are every kind the exporter writes, each valid against Kubernetes' schema", () => {
    const objects = allCore();
    expect(new Set(objects.map((o) => o.kind))).toEqual(new Set(["PersistentVolumeClaim", "Service", "StatefulSet", "Deployment", "ConfigMap", "ServiceAccount", "Role", "RoleBinding", "Job"]));
    for (const o of objects) expect(() => validateCore(o), `${o.kind} ${o.metadata?.name}`).not.toThrow();
  });

  it("are written as plain YAML with their apiVersion and kind", () => {
    const docs = parseAllDocuments(toYamlDocuments(allCore())).map((d) => d.toJS() as { apiVersion: string; kind: string });
    expect(docs.find((d) => d.kind === "StatefulSet")?.apiVersion).toBe("apps/v1");
    expect(docs.find((d) => d.kind === "Role")?.apiVersion).toBe("rbac.authorization.k8s.io/v1");
    expect(docs.find((d) => d.kind === "Job")?.apiVersion).toBe("batch/v1");
  });
});

describe("an invalid core object", () => {
  it("is refused when a Service port is a string, naming the object and the field", () => {
    const e = refusal(new Service({ metadata: { name: "chaos-x-direct-a" }, spec: { ports: [{ port: "20001" as unknown as number }] } }));
    expect(e.object).toBe("Service chaos-x-direct-a");
    expect(e.message).toContain("Service chaos-x-direct-a is not a valid Kubernetes object: spec.ports.0.port: must be integer");
  });

  it("is refused when the relay's StatefulSet has no selector", () => {
    const statefulSet = relayObjects("chaos-x", "relay:1", {}, labels).find((o) => o.kind === "StatefulSet") as CoreObject & { spec: { selector?: unknown } };
    delete statefulSet.spec.selector;
    expect(refusal(statefulSet).fields).toEqual(["spec.selector: is required"]);
  });

  it("is refused when the collector's container has no name", () => {
    const job = collectorObjects("chaos-x", "harness:1", {}, small, labels).find((o) => o.kind === "Job") as CoreObject & { spec: { template: { spec: { containers: { name?: string }[] } } } };
    delete job.spec.template.spec.containers[0]!.name;
    const e = refusal(job);
    expect(e.message).toContain("Job chaos-x-collector");
    expect(e.fields).toContain("spec.template.spec.containers.0.name: is required");
  });
});
