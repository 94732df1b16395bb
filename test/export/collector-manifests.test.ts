// The collector Job mounts the k6 archive from where the TestRun's runners get it, read-only (the
// script's ConfigMap, or above the ConfigMap limit its volume claim), and hands that file to
// `collect --archive`, which copies the population out of it onto the records claim.
import { describe, expect, it } from "vitest";
import { collectorObjects } from "../../harness/export/k8s/collector-manifests.ts";
import { CONFIGMAP_LIMIT_BYTES, scriptSource } from "../../harness/export/k8s/script-source.ts";
import { testRun } from "../../harness/export/k8s/testrun.ts";

type Job = { kind: string; spec: { template: { spec: { containers: { args: string[]; volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[] }[]; volumes: Record<string, any>[] } } } };

function collectorJob(archiveBytes: number) {
  const source = scriptSource("chaos-x", new Uint8Array(archiveBytes), {});
  const job = collectorObjects("chaos-x", "harness:1", {}, source, {}).find((o) => o.kind === "Job") as unknown as Job;
  const run = testRun("chaos-x", 2, source, "grafana/k6:2.2.0", {}) as unknown as { spec: { script: Record<string, { name: string; file: string }> } };
  const pod = job.spec.template.spec;
  const mount = pod.containers[0]!.volumeMounts.find((m) => m.name === "script")!;
  const command = pod.containers[0]!.args;
  return { source, run, volume: pod.volumes.find((v) => v.name === "script")!, mount, archiveArg: command[command.indexOf("--archive") + 1] };
}

describe("the collector Job's archive", () => {
  it("mounts the script ConfigMap the TestRun names, read-only, and passes its archive to collect", () => {
    const { run, volume, mount, archiveArg } = collectorJob(1000);
    expect(volume).toEqual({ name: "script", configMap: { name: run.spec.script.configMap!.name } });
    expect(mount).toEqual({ name: "script", mountPath: "/script", readOnly: true });
    expect(archiveArg).toBe(`/script/${run.spec.script.configMap!.file}`);
  });

  it("mounts the script's volume claim read-only when the archive is above the ConfigMap limit", () => {
    const { source, run, volume, mount, archiveArg } = collectorJob(CONFIGMAP_LIMIT_BYTES + 1);
    expect(source.kind).toBe("volumeClaim");
    expect(volume).toEqual({ name: "script", persistentVolumeClaim: { claimName: run.spec.script.volumeClaim!.name, readOnly: true } });
    expect(mount.readOnly).toBe(true);
    expect(archiveArg).toBe(`/script/${run.spec.script.volumeClaim!.file}`);
  });
});
