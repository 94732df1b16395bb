// Where the runners find the k6 archive: a ConfigMap (binaryData) when it fits, else a volume
// claim the user fills once with `kubectl cp` (a ConfigMap holds at most 1 MiB).
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { CoreObject } from "./k8s-object.ts";

/** Kubernetes refuses a ConfigMap whose data and binaryData exceed 1 MiB; keep room for metadata. */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024 - 16 * 1024;
export const ARCHIVE_FILE = "archive.tar";

export interface ScriptSource {
  /** the TestRun's spec.script */
  script: { configMap: { name: string; file: string } } | { volumeClaim: { name: string; file: string } };
  objects: CoreObject[];
  kind: "configMap" | "volumeClaim";
}

export function scriptSource(name: string, archive: Uint8Array, labels: Record<string, string>): ScriptSource {
  const objectName = `${name}-script`;
  if (archive.byteLength <= CONFIGMAP_LIMIT_BYTES) {
    return {
      kind: "configMap",
      script: { configMap: { name: objectName, file: ARCHIVE_FILE } },
      objects: [new ConfigMap({ metadata: { name: objectName, labels }, binaryData: { [ARCHIVE_FILE]: Buffer.from(archive).toString("base64") } })],
    };
  }
  const mebibytes = Math.ceil((archive.byteLength * 2) / (1024 * 1024));
  return {
    kind: "volumeClaim",
    script: { volumeClaim: { name: objectName, file: ARCHIVE_FILE } },
    objects: [new PersistentVolumeClaim({
      metadata: { name: objectName, labels },
      // every runner mounts it (read-only by many pods at once)
      spec: { accessModes: ["ReadOnlyMany", "ReadWriteOnce"], resources: { requests: { storage: `${mebibytes}Mi` } } },
    })],
  };
}
