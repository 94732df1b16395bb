// Toxiproxy as a Deployment, its API as a Service the collector creates the four network paths
// through (network-paths.ts, each on its own port towards one relay listener, as the local and
// container environments create them) and drives faults through, and one Service per path: the
// addresses the runners dial.
import { PATH_PLAN } from "../../environments/network-paths.ts";
import { OFFICIAL_IMAGES } from "../../toolchain/versions.ts";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Service } from "kubernetes-models/v1/Service";
import type { CoreObject } from "./k8s-object.ts";
import { relayUpstream } from "./relay-manifests.ts";

export const TOXIPROXY_API_PORT = 8474;
/** path i listens on FIRST_PATH_PORT + i in the Toxiproxy pod and is served by Service <test>-<path> on the same port */
const FIRST_PATH_PORT = 20001;
const RELAY_WS_PATH = "/ws";

export const toxiproxyName = (test: string): string => `${test}-toxiproxy`;
export const pathServiceName = (test: string, path: string): string => `${test}-${path}`;
export const toxiproxyApiUrl = (test: string): string => `http://${toxiproxyName(test)}:${TOXIPROXY_API_PORT}`;

/** path name -> WebSocket URL a runner dials (through the path's Service) */
export function pathUrls(test: string): { name: string; kind: "direct" | "proxy"; url: string }[] {
  return PATH_PLAN.map((p, i) => ({ name: p.name, kind: p.kind, url: `ws://${pathServiceName(test, p.name)}:${FIRST_PATH_PORT + i}${RELAY_WS_PATH}` }));
}

/** the proxies the collector creates: what each path listens on in the Toxiproxy pod and where it forwards */
export function toxiproxyPaths(test: string): { name: string; listen: string; upstream: string }[] {
  return PATH_PLAN.map((p, i) => ({ name: p.name, listen: `0.0.0.0:${FIRST_PATH_PORT + i}`, upstream: relayUpstream(test, p.listener) }));
}

export function toxiproxyObjects(test: string, labels: Record<string, string>, image: string = OFFICIAL_IMAGES.toxiproxy): CoreObject[] {
  const name = toxiproxyName(test);
  const selector = { "e2ee-chaos/toxiproxy": name };
  return [
    new Deployment({
      metadata: { name, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...labels, ...selector } },
          spec: {
            containers: [{
              name: "toxiproxy", image,
              args: ["-host=0.0.0.0", `-port=${TOXIPROXY_API_PORT}`],
              ports: [{ containerPort: TOXIPROXY_API_PORT }, ...PATH_PLAN.map((_, i) => ({ containerPort: FIRST_PATH_PORT + i }))],
              readinessProbe: { httpGet: { path: "/version", port: TOXIPROXY_API_PORT }, periodSeconds: 1 },
            }],
          },
        },
      },
    }),
    new Service({ metadata: { name, labels }, spec: { selector, ports: [{ name: "api", port: TOXIPROXY_API_PORT, targetPort: TOXIPROXY_API_PORT }] } }),
    ...PATH_PLAN.map((p, i) => new Service({
      metadata: { name: pathServiceName(test, p.name), labels: { ...labels, "e2ee-chaos/path": p.name } },
      spec: { selector, ports: [{ name: "ws", port: FIRST_PATH_PORT + i, targetPort: FIRST_PATH_PORT + i }] },
    })),
  ];
}
