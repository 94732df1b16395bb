// The relay as a StatefulSet with a volume claim for RELAY_DATA_DIR: a crash (pod delete) or a
// restart (scale to 0 and back) brings back the same pod name and the same store, as a local kill
// keeps the relay's data directory. A headless Service gives Toxiproxy a stable address.
import { RELAY_DATA_DIR, RELAY_PORTS } from "../../environments/containers/relay-container-layout.ts";
import { relayContractEnv } from "../../environments/relay-contract-env.ts";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { Service } from "kubernetes-models/v1/Service";
import type { CoreObject } from "./k8s-object.ts";

export const relayName = (test: string): string => `${test}-relay`;

/** host:port Toxiproxy forwards listener `index` to */
export function relayUpstream(test: string, index: 0 | 1): string {
  return `${relayName(test)}:${RELAY_PORTS[index]}`;
}

export function relayObjects(test: string, image: string, relayEnv: Record<string, string>, labels: Record<string, string>): CoreObject[] {
  const name = relayName(test);
  const env = { ...relayContractEnv(RELAY_PORTS.map((port) => ({ host: "0.0.0.0", port })), RELAY_DATA_DIR, null), ...relayEnv };
  return [
    new Service({
      metadata: { name, labels },
      spec: { clusterIP: "None", selector: { "e2ee-chaos/relay": name }, ports: RELAY_PORTS.map((port, i) => ({ name: `listener-${i}`, port, targetPort: port })) },
    }),
    new StatefulSet({
      metadata: { name, labels },
      spec: {
        serviceName: name,
        replicas: 1,
        selector: { matchLabels: { "e2ee-chaos/relay": name } },
        template: {
          metadata: { labels: { ...labels, "e2ee-chaos/relay": name } },
          spec: {
            containers: [{
              name: "relay", image,
              env: Object.entries(env).map(([k, v]) => ({ name: k, value: v })),
              ports: RELAY_PORTS.map((port) => ({ containerPort: port })),
              readinessProbe: { httpGet: { path: "/healthz", port: RELAY_PORTS[0] }, periodSeconds: 1 },
              volumeMounts: [{ name: "data", mountPath: RELAY_DATA_DIR }],
            }],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
      },
    }),
  ];
}
