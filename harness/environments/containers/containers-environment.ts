// The default wherever a Docker or Podman engine answers: the server under test (the reference
// relay's image, the user's --relay-image, or an XMPP server's image with --target prosody|ejabberd)
// and Toxiproxy as containers on a private network (the server reachable by alias), through
// Testcontainers.
import { Network, type StartedNetwork } from "testcontainers";
import { ensureContainerEngine } from "../../toolchain/container-engine.ts";
import { EnvironmentError, InputError } from "../../errors.ts";
import { ensureImages } from "../../toolchain/images.ts";
import { ensureToxiproxyImage } from "../../toolchain/toxiproxy-image.ts";
import { checkRelayEnvironment, describeRelayUnderTest, type RelayUnderTest } from "../relay-under-test.ts";
import type { Environment, NetworkPath, RelayControl } from "../environment.ts";
import type { EnvironmentOptions } from "../environment-options.ts";
import { PATH_PLAN } from "../network-paths.ts";
import { httpGetBody } from "../http-get-text.ts";
import { waitForHttp } from "../wait-for-http.ts";
import { containerLogs } from "./engine-container.ts";
import { ContainerControl } from "./container-control.ts";
import { RelayContainer, type StartedRelayContainer } from "./relay-container.ts";
import { RELAY_PORTS } from "./relay-container-layout.ts";
import { ToxiproxyContainer, type StartedToxiproxyContainer } from "./toxiproxy-container.ts";
import { describeRemoved, removeLeftovers, runLabels, runNetworkName } from "./run-labels.ts";
import { DEFAULT_TARGET, isXmppTarget, XMPP_DOMAIN, type TargetIdentity } from "../../targets/target.ts";
import { ensureXmppImage, type ResolvedXmppImage } from "../../toolchain/xmpp-image.ts";
import { ContainerXmppServer } from "./container-xmpp-server.ts";
import { XmppContainer } from "./xmpp-container.ts";

let leftoversRemoved = false;

export { RUN_LABEL } from "./run-labels.ts";
const RELAY_READY_TIMEOUT_MS = 120_000;
type RelayUnderTestImage = Extract<RelayUnderTest, { kind: "image" }>;
const RELAY_IMAGE_FIX = `the image must be pullable or present (podman images / docker images), serve GET /healthz on container ports ${RELAY_PORTS.join(" and ")} with RELAY_LISTEN=${RELAY_PORTS.map((p) => `0.0.0.0:${p}`).join(",")} and keep its data in RELAY_DATA_DIR=/data (fixtures/relay/PROTOCOL.md, "What a relay under test must implement")`;

class ContainerRelay extends ContainerControl implements RelayControl {
  constructor(protected readonly container: StartedRelayContainer, private readonly ca: string | undefined) {
    super(container);
  }

  metrics(): Promise<string> {
    return httpGetBody(this.url("/metrics"), { ca: this.ca });
  }

  logs(): Promise<string> {
    return containerLogs(this.container.getId());
  }

  journal(): Promise<string> {
    return httpGetBody(this.url("/journal"), { ca: this.ca, timeoutMs: 10_000 });
  }

  private url(path: string, listener = 0): string {
    return `${this.ca ? "https" : "http"}://${this.container.getHost()}:${this.container.hostPort(listener)}${path}`;
  }

  /** every listener answers /healthz (each network path leads to one of them) */
  protected async ready(): Promise<void> {
    for (const index of RELAY_PORTS.keys()) {
      await waitForHttp(this.url("/healthz", index), "relay container", { timeoutMs: RELAY_READY_TIMEOUT_MS, ca: this.ca });
    }
  }
}

const TLS_IN_CONTAINER = { cert: "/tls/relay-cert.pem", key: "/tls/relay-key.pem" };

/** The server behind the paths: its control, where Toxiproxy reaches its listeners, the path it serves, and what reports say of it. */
interface StartedServer {
  control: RelayControl;
  /** host:port of listener `index` on the run's network */
  networkAddress(index: number): string;
  wsPath: string;
  target: TargetIdentity;
  versions: Record<string, string>;
  stop(): Promise<void>;
}

export async function startContainersEnvironment(options: EnvironmentOptions): Promise<Environment> {
  checkRelayEnvironment(options.relay ?? null, "containers", "--env");
  const targetName = options.target ?? DEFAULT_TARGET;
  const xmppKind = isXmppTarget(targetName) ? targetName : null;
  if (xmppKind && options.certificate) throw new InputError(`--tls and target ${xmppKind}: TLS is served by the relay only, for now; allowed: --tls with --target relay, or ${xmppKind} without --tls`);
  const underTest = options.relay?.kind === "image" ? options.relay : null;
  const engine = await ensureContainerEngine({ log: options.log });
  // only the images this run starts: an XMPP server's or a relay under test's take the reference relay's place
  const toxiproxyImage = xmppKind || underTest ? await ensureToxiproxyImage({ log: options.log }) : null;
  const relayImages = xmppKind ? null : underTest ? { relay: { name: underTest.image }, toxiproxy: toxiproxyImage! } : await ensureImages({ log: options.log });
  const xmppImage = xmppKind ? await ensureXmppImage(xmppKind, { log: options.log }) : null;
  const toxiproxyImageName = (relayImages?.toxiproxy ?? toxiproxyImage)!.name;
  if (!leftoversRemoved) {
    leftoversRemoved = true;
    const removed = await removeLeftovers().catch(() => null);
    if (removed && (removed.containers.length || removed.networks.length)) options.log(describeRemoved(removed));
  }
  let network: StartedNetwork | null = null;
  let server: StartedServer | null = null;
  let toxiproxy: StartedToxiproxyContainer | null = null;
  const stop = async () => {
    await toxiproxy?.stop().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await network?.stop().catch(() => undefined);
    toxiproxy = server = network = null;
  };
  try {
    network = await new Network({ nextUuid: runNetworkName }).start();
    const engineName = `${engine.kind} ${engine.version}`;
    server = xmppImage
      ? await startXmppServer(xmppImage, network, engineName, options)
      : await startRelay(relayImages!.relay.name, underTest, network, engineName, options);
    options.log(`starting toxiproxy container (${toxiproxyImageName})`);
    toxiproxy = await new ToxiproxyContainer(toxiproxyImageName).onNetwork(network).withLabels(runLabels(options.runId)).start();
    const paths: NetworkPath[] = [];
    for (const plan of PATH_PLAN) {
      const proxy = await toxiproxy.createProxy({ name: plan.name, upstream: server.networkAddress(plan.listener) });
      paths.push({ name: plan.name, kind: plan.kind, url: `${options.certificate ? "wss" : "ws"}://${proxy.host}:${proxy.port}${server.wsPath}` });
    }
    const control = toxiproxy.network;
    return {
      kind: "containers",
      versions: { target: targetName, engine: engineName, ...server.versions, toxiproxyImage: toxiproxyImageName, toxiproxy: await control.version() },
      target: server.target,
      paths,
      network: control,
      relay: server.control,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The reference relay's container, or the relay under test's (--relay-image). */
async function startRelay(image: string, underTest: RelayUnderTestImage | null, network: StartedNetwork, engineName: string, options: EnvironmentOptions): Promise<StartedServer> {
  options.log(`starting ${underTest ? `relay under test (${describeRelayUnderTest(underTest)})` : `relay container (${image})`} on ${engineName}`);
  const relayContainer = new RelayContainer(image).onNetwork(network).withRelayEnv(options.relayEnv).withLabels(runLabels(options.runId));
  if (underTest) relayContainer.withStartupTimeout(RELAY_READY_TIMEOUT_MS);
  const { certificate } = options;
  if (certificate) {
    relayContainer
      .withTls()
      .withRelayEnv({ RELAY_TLS_CERT: TLS_IN_CONTAINER.cert, RELAY_TLS_KEY: TLS_IN_CONTAINER.key })
      .withCopyContentToContainer([{ content: certificate.cert, target: TLS_IN_CONTAINER.cert }, { content: certificate.key, target: TLS_IN_CONTAINER.key }]);
  }
  const relay = await relayContainer.start().catch((error: Error) => {
    throw underTest ? new EnvironmentError(`${underTest.source} ${underTest.image}: ${error.message.split("\n")[0]}`, RELAY_IMAGE_FIX) : error;
  });
  return {
    control: new ContainerRelay(relay, certificate?.cert),
    networkAddress: (index) => relay.networkAddress(index),
    wsPath: "/ws",
    target: { name: "relay", version: underTest ? describeRelayUnderTest(underTest) : image },
    versions: { relayImage: image },
    stop: async () => {
      await relay.stop({ timeout: 10_000 });
    },
  };
}

/** Prosody or ejabberd in the relay's place: the per-run configuration from the template (or --target-config), both listeners behind the paths. */
async function startXmppServer(image: ResolvedXmppImage, network: StartedNetwork, engineName: string, options: EnvironmentOptions): Promise<StartedServer> {
  const { kind } = image;
  const ignored = Object.keys(options.relayEnv);
  if (ignored.length) options.log(`target ${kind}: the suite's relay settings (${ignored.join(", ")}) are for the relay and are not applied`);
  options.log(`starting ${kind} container (${image.name}, ${kind} ${image.version}) on ${engineName}${options.targetConfig ? ` with ${options.targetConfig} (--target-config)` : ""}`);
  const started = Date.now();
  const container = await new XmppContainer(image, { domain: XMPP_DOMAIN, ...(options.targetConfig ? { configFile: options.targetConfig } : {}) })
    .onNetwork(network)
    .withLabels(runLabels(options.runId))
    .start();
  options.log(`   ${kind} answers on both listeners after ${Date.now() - started} ms`);
  const control = new ContainerXmppServer(container);
  return {
    control,
    networkAddress: (index) => container.networkAddress(index),
    wsPath: container.wsPath,
    target: { name: kind, version: image.version },
    versions: { [`${kind}Image`]: image.name, [kind]: image.version },
    stop: () => control.stop(),
  };
}
