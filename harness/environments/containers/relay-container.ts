// The relay as a Testcontainers module (the reference relay's image, or a relay under test's:
// the same variables, ports and readiness): defaults in the constructor, typed actions on the started container.
import { Wait, type StartedTestContainer, type WaitStrategy } from "testcontainers";
import { EnvironmentError } from "../../errors.ts";
import { relayContractEnv } from "../relay-contract-env.ts";
import type { StoredFile } from "../environment.ts";
import { containerLogs } from "./engine-container.ts";
import { NetworkMemberContainer } from "./network-member-container.ts";
import { StartedServerContainer } from "./started-server-container.ts";
import { archiveFiles, textFile } from "./archive-files.ts";
import { RELAY_DATA_DIR, RELAY_PORTS } from "./relay-container-layout.ts";

/** DNS name of the relay on a shared network. */
export const RELAY_NETWORK_ALIAS = "relay";
export const RELAY_STARTUP_TIMEOUT_MS = 30_000;

/** GET /healthz answers 200 on every listener (each network path leads to one of them). */
function everyListenerHealthy(tls: boolean): WaitStrategy {
  return Wait.forAll(RELAY_PORTS.map((port) => (tls ? Wait.forHttp("/healthz", port).usingTls().allowInsecure() : Wait.forHttp("/healthz", port)).forStatusCode(200)));
}

/** On a network (onNetwork), Toxiproxy reaches it as `relay`: relay:7001, relay:7002. */
export class RelayContainer extends NetworkMemberContainer {
  /** `image` comes from ensureRelayImage() / ensureImages() (harness/toolchain), or is a relay under test (--relay-image). */
  constructor(private readonly image: string) {
    super(image, RELAY_NETWORK_ALIAS, RELAY_STARTUP_TIMEOUT_MS);
    this.withExposedPorts(...RELAY_PORTS)
      .withEnvironment(relayContractEnv(RELAY_PORTS.map((port) => ({ host: "0.0.0.0", port })), RELAY_DATA_DIR, null))
      .withWaitStrategy(everyListenerHealthy(false));
  }

  /** The relay serves https/wss (give RELAY_TLS_CERT/KEY files): readiness is checked over TLS. */
  withTls(): this {
    return this.withWaitStrategy(everyListenerHealthy(true));
  }

  /** Largest recipient count a forwarded message may carry (RELAY_FORWARD_CAP; 0 = off). */
  withForwardCap(cap: number): this {
    return this.withEnvironment({ RELAY_FORWARD_CAP: String(cap) });
  }

  /** Any other relay setting from fixtures/relay/PROTOCOL.md (RELAY_RATE_PER_SEC, ...). */
  withRelayEnv(env: Record<string, string | number>): this {
    return this.withEnvironment(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])));
  }

  override async start(): Promise<StartedRelayContainer> {
    try {
      return new StartedRelayContainer(await super.start());
    } catch (error) {
      throw new EnvironmentError(
        `relay container (${this.image}) not started, or not ready within ${this.startupTimeout} ms (GET /healthz on container ports ${RELAY_PORTS.join(" and ")}): ${(error as Error).message}`,
        "npm run doctor",
      );
    }
  }
}

export class StartedRelayContainer extends StartedServerContainer {
  constructor(started: StartedTestContainer) {
    super(started);
  }

  /** Host port of listener `index`; read on every call because a restart changes it. */
  hostPort(index = 0): number {
    const port = RELAY_PORTS[index];
    if (port === undefined) throw new RangeError(`relay has listeners 0..${RELAY_PORTS.length - 1}, not ${index}`);
    return this.getMappedPort(port);
  }

  /** WebSocket URL from the host, straight to the relay (no Toxiproxy in between). */
  wsUrl(index = 0): string {
    return `ws://${this.getHost()}:${this.hostPort(index)}/ws`;
  }

  httpUrl(index = 0): string {
    return `http://${this.getHost()}:${this.hostPort(index)}`;
  }

  metricsUrl(index = 0): string {
    return `${this.httpUrl(index)}/metrics`;
  }

  healthzUrl(index = 0): string {
    return `${this.httpUrl(index)}/healthz`;
  }

  /** host:port of listener `index` for other containers on the shared network (a Toxiproxy upstream). */
  networkAddress(index = 0): string {
    const port = RELAY_PORTS[index];
    if (port === undefined) throw new RangeError(`relay has listeners 0..${RELAY_PORTS.length - 1}, not ${index}`);
    return `${RELAY_NETWORK_ALIAS}:${port}`;
  }

  /** every regular file of its data directory ("relay data: journal.jsonl"), and everything it printed ("relay log: container output") */
  async *storedFiles(): AsyncGenerator<StoredFile> {
    yield* archiveFiles(await this.copyArchiveFromContainer(RELAY_DATA_DIR), RELAY_DATA_DIR, "relay data: ");
    yield textFile("relay log: container output", await containerLogs(this.getId()));
  }
}
