// The default wherever a Docker or Podman engine answers: the relay (the reference relay's image,
// or the user's --relay-image) and Toxiproxy as containers on a private network (relay reachable
// by alias), through Testcontainers.
import { Network, type StartedNetwork } from "testcontainers";
import { ensureContainerEngine } from "../../toolchain/container-engine.ts";
import { EnvironmentError } from "../../errors.ts";
import { ensureImages } from "../../toolchain/images.ts";
import { ensureToxiproxyImage } from "../../toolchain/toxiproxy-image.ts";
import { checkRelayEnvironment, describeRelayUnderTest } from "../relay-under-test.ts";
import type { Environment, NetworkPath, RelayControl } from "../environment.ts";
import type { EnvironmentOptions } from "../environment-options.ts";
import { PATH_PLAN } from "../network-paths.ts";
import { httpGetBody } from "../http-get-text.ts";
import { waitForHttp } from "../wait-for-http.ts";
import { containerLogs } from "./engine-container.ts";
import { RELAY_PORTS, RelayContainer, type StartedRelayContainer } from "./relay-container.ts";
import { ToxiproxyContainer, type StartedToxiproxyContainer } from "./toxiproxy-container.ts";
import { describeRemoved, removeLeftovers, runLabels, runNetworkName } from "./run-labels.ts";
import { DEFAULT_TARGET, isXmppTarget, type TargetName } from "../../targets/target.ts";

let leftoversRemoved = false;

export { RUN_LABEL } from "./run-labels.ts";
const RELAY_READY_TIMEOUT_MS = 120_000;
const RELAY_IMAGE_FIX = `the image must be pullable or present (podman images / docker images), serve GET /healthz on container ports ${RELAY_PORTS.join(" and ")} with RELAY_LISTEN=${RELAY_PORTS.map((p) => `0.0.0.0:${p}`).join(",")} and keep its data in RELAY_DATA_DIR=/data (fixtures/relay/PROTOCOL.md, "What a relay under test must implement")`;

class ContainerRelay implements RelayControl {
  private down = false;
  private paused = false;

  constructor(private readonly container: StartedRelayContainer, private readonly ca: string | undefined) {}

  metrics(): Promise<string> {
    return httpGetBody(this.url("/metrics"), { ca: this.ca });
  }

  logs(): Promise<string> {
    return containerLogs(this.container.getId());
  }

  journal(): Promise<string> {
    return httpGetBody(this.url("/journal"), { ca: this.ca, timeoutMs: 10_000 });
  }

  async terminate(): Promise<void> {
    await this.resume();
    await this.container.terminate();
    this.down = true;
  }

  async kill(): Promise<void> {
    await this.resume();
    await this.container.kill();
    this.down = true;
  }

  async start(): Promise<void> {
    if (!this.down) return;
    await this.container.restart();
    this.down = false;
    await this.ready();
  }

  async pause(): Promise<void> {
    if (this.paused || this.down) return;
    await this.container.pause();
    this.paused = true;
  }

  async resume(): Promise<void> {
    if (!this.paused) return;
    await this.container.unpause();
    this.paused = false;
  }

  private url(path: string, listener = 0): string {
    return `${this.ca ? "https" : "http"}://${this.container.getHost()}:${this.container.hostPort(listener)}${path}`;
  }

  /** every listener answers /healthz (each network path leads to one of them) */
  private async ready(): Promise<void> {
    for (const index of RELAY_PORTS.keys()) {
      await waitForHttp(this.url("/healthz", index), "relay container", { timeoutMs: RELAY_READY_TIMEOUT_MS, ca: this.ca });
    }
  }
}

const TLS_IN_CONTAINER = { cert: "/tls/relay-cert.pem", key: "/tls/relay-key.pem" };

export async function startContainersEnvironment(options: EnvironmentOptions): Promise<Environment> {
  checkRelayEnvironment(options.relay ?? null, "containers", "--env");
  refuseXmppTarget(options.target ?? DEFAULT_TARGET);
  const underTest = options.relay?.kind === "image" ? options.relay : null;
  const engine = await ensureContainerEngine({ log: options.log });
  // a relay under test brings its own image: the reference relay's is not built
  const images = underTest
    ? { relay: { name: underTest.image }, toxiproxy: await ensureToxiproxyImage({ log: options.log }) }
    : await ensureImages({ log: options.log });
  if (!leftoversRemoved) {
    leftoversRemoved = true;
    const removed = await removeLeftovers().catch(() => null);
    if (removed && (removed.containers.length || removed.networks.length)) options.log(describeRemoved(removed));
  }
  let network: StartedNetwork | null = null;
  let relay: StartedRelayContainer | null = null;
  let toxiproxy: StartedToxiproxyContainer | null = null;
  const stop = async () => {
    await toxiproxy?.stop().catch(() => undefined);
    await relay?.stop({ timeout: 10_000 }).catch(() => undefined);
    await network?.stop().catch(() => undefined);
    toxiproxy = relay = network = null;
  };
  try {
    network = await new Network({ nextUuid: runNetworkName }).start();
    options.log(`starting ${underTest ? `relay under test (${describeRelayUnderTest(underTest)})` : `relay container (${images.relay.name})`} on ${engine.kind}`);
    const relayContainer = new RelayContainer(images.relay.name).onNetwork(network).withRelayEnv(options.relayEnv).withLabels(runLabels(options.runId));
    if (underTest) relayContainer.withStartupTimeout(RELAY_READY_TIMEOUT_MS);
    const { certificate } = options;
    if (certificate) {
      relayContainer
        .withTls()
        .withRelayEnv({ RELAY_TLS_CERT: TLS_IN_CONTAINER.cert, RELAY_TLS_KEY: TLS_IN_CONTAINER.key })
        .withCopyContentToContainer([{ content: certificate.cert, target: TLS_IN_CONTAINER.cert }, { content: certificate.key, target: TLS_IN_CONTAINER.key }]);
    }
    relay = await relayContainer.start().catch((error: Error) => {
      throw underTest ? new EnvironmentError(`${underTest.source} ${underTest.image}: ${error.message.split("\n")[0]}`, RELAY_IMAGE_FIX) : error;
    });
    options.log(`starting toxiproxy container (${images.toxiproxy.name})`);
    toxiproxy = await new ToxiproxyContainer(images.toxiproxy.name).onNetwork(network).withLabels(runLabels(options.runId)).start();
    const paths: NetworkPath[] = [];
    for (const plan of PATH_PLAN) {
      const proxy = await toxiproxy.createProxy({ name: plan.name, upstream: relay.networkAddress(plan.listener) });
      paths.push({ name: plan.name, kind: plan.kind, url: `${certificate ? "wss" : "ws"}://${proxy.host}:${proxy.port}/ws` });
    }
    const client = toxiproxy.client;
    return {
      kind: "containers",
      versions: { target: "relay", engine: `${engine.kind} ${engine.version}`, relayImage: images.relay.name, toxiproxyImage: images.toxiproxy.name, toxiproxy: await client.getVersion() },
      target: { name: "relay", version: underTest ? describeRelayUnderTest(underTest) : images.relay.name },
      paths,
      toxiproxyFor: () => client,
      relay: new ContainerRelay(relay, certificate?.cert),
      resetNetwork: () => client.reset(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** XMPP servers do not run as containers yet: refused before anything starts (exit code 3). */
function refuseXmppTarget(target: TargetName): void {
  if (!isXmppTarget(target)) return;
  throw new EnvironmentError(`target ${target} cannot run in the containers environment: containers for XMPP targets are not built yet; allowed: --env local (or auto) with --target ${target}`, `npm run chaos -- --env local --target ${target}`);
}
