// The TestRun (k6.io/v1alpha1, fields of k6-operator v1.6.0): N runners of the archived scenario.
// The operator adds `--execution-segment` and the shared `--execution-segment-sequence` to each
// runner itself (pkg/segmentation), starts them paused and unpauses them together, exactly what
// `--segments N` does locally; spec.args carries only what the local runner adds on top.
// Each runner writes its console records into its own folder of the shared records claim
// (subPathExpr on the pod's name, which holds the runner's index: <test>-<i>-<suffix>).
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { CoreObject, K8sObject } from "./k8s-object.ts";
import type { ScriptSource } from "./script-source.ts";

export const RECORDS_MOUNT = "/records";
/** runner pod P writes to runners/P/ of the records claim */
export const RUNNERS_DIR = "runners";
export const CONSOLE_FILE = "k6-console.jsonl";
export const SUMMARY_FILE = "k6-summary.json";

/** What every runner adds to the operator's `k6 run` (the same flags the local runner passes). */
export function runnerArgs(): string[] {
  return ["--no-usage-report", "--no-color", "--log-format=json", `--console-output=${RECORDS_MOUNT}/${CONSOLE_FILE}`];
}

export function testRun(name: string, parallelism: number, source: ScriptSource, image: string, labels: Record<string, string>): K8sObject {
  return {
    apiVersion: "k6.io/v1alpha1",
    kind: "TestRun",
    metadata: { name, labels },
    spec: {
      parallelism,
      script: source.script,
      args: runnerArgs(),
      runner: {
        image,
        metadata: { labels },
        env: [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }, { name: "GOGC", value: "400" }],
        volumes: [{ name: "records", persistentVolumeClaim: { claimName: recordsClaimName(name) } }],
        volumeMounts: [{ name: "records", mountPath: RECORDS_MOUNT, subPathExpr: `${RUNNERS_DIR}/$(POD_NAME)` }],
      },
    },
  };
}

/** The claim every runner and the collector mount: one folder per runner, and the collector's gathered copy. */
export function recordsClaim(name: string, labels: Record<string, string>, size = "2Gi"): CoreObject {
  return new PersistentVolumeClaim({
    metadata: { name: recordsClaimName(name), labels },
    spec: { accessModes: ["ReadWriteMany"], resources: { requests: { storage: size } } },
  });
}

export const recordsClaimName = (test: string): string => `${test}-records`;
