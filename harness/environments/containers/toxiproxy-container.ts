// Toxiproxy as a Testcontainers module (the equivalent of @testcontainers/toxiproxy, which needs testcontainers 12).
import { AbstractStartedContainer, Wait, type StartedTestContainer } from "testcontainers";
import { EnvironmentError } from "../../errors.ts";
import { TOXIPROXY_ENV } from "../toxiproxy-log-level.ts";
import { ToxiproxyNetwork } from "../toxiproxy-network.ts";
import { NetworkMemberContainer } from "./network-member-container.ts";
import { pauseContainer, unpauseContainer } from "./engine-container.ts";

export const TOXIPROXY_CONTROL_PORT = 8474;
export const FIRST_PROXY_PORT = 8666;
export const DEFAULT_PROXY_PORT_COUNT = 32;
export const TOXIPROXY_NETWORK_ALIAS = "toxiproxy";
export const TOXIPROXY_STARTUP_TIMEOUT_MS = 30_000;

export class ToxiproxyContainer extends NetworkMemberContainer {
  private readonly proxyPorts: number[];

  /** `image` comes from ensureToxiproxyImage() / ensureImages() (harness/toolchain). */
  constructor(
    private readonly image: string,
    options: { proxyPortCount?: number } = {},
  ) {
    super(image, TOXIPROXY_NETWORK_ALIAS, TOXIPROXY_STARTUP_TIMEOUT_MS);
    const count = options.proxyPortCount ?? DEFAULT_PROXY_PORT_COUNT;
    this.proxyPorts = Array.from({ length: count }, (_, i) => FIRST_PROXY_PORT + i);
    this.withExposedPorts(TOXIPROXY_CONTROL_PORT, ...this.proxyPorts)
      .withEnvironment(TOXIPROXY_ENV)
      .withWaitStrategy(Wait.forHttp("/version", TOXIPROXY_CONTROL_PORT).forStatusCode(200));
  }

  override async start(): Promise<StartedToxiproxyContainer> {
    try {
      return new StartedToxiproxyContainer(await super.start(), this.proxyPorts);
    } catch (error) {
      throw new EnvironmentError(
        `toxiproxy container (${this.image}) not ready within ${this.startupTimeout} ms (GET /version on container port ${TOXIPROXY_CONTROL_PORT}): ${(error as Error).message}`,
        "npm run doctor",
      );
    }
  }
}

/** A proxy created in the container, and where the host reaches it. */
export interface CreatedProxy {
  name: string;
  /** Port inside the container (listen 0.0.0.0:<containerPort>). */
  containerPort: number;
  /** Host and mapped port to connect to from the host. */
  host: string;
  port: number;
}

export class StartedToxiproxyContainer extends AbstractStartedContainer {
  private readonly free: number[];
  /** toxics and enabled/disabled paths on this container's proxies */
  readonly network: ToxiproxyNetwork;

  constructor(
    started: StartedTestContainer,
    proxyPorts: number[],
  ) {
    super(started);
    this.free = [...proxyPorts];
    this.network = new ToxiproxyNetwork([this.apiUrl()]);
  }

  /** Base URL of the control API from the host (changes after a restart). */
  apiUrl(): string {
    return `http://${this.getHost()}:${this.getMappedPort(TOXIPROXY_CONTROL_PORT)}`;
  }

  /** Creates a proxy on the next free exposed port; `upstream` is host:port as seen from inside the container (e.g. relay:7001). */
  async createProxy(options: { name: string; upstream: string }): Promise<CreatedProxy> {
    const containerPort = this.free.shift();
    if (containerPort === undefined) {
      throw new EnvironmentError(`no free proxy port left: the container exposes ${FIRST_PROXY_PORT}.. (raise proxyPortCount)`);
    }
    try {
      await this.network.createPath(options.name, `0.0.0.0:${containerPort}`, options.upstream);
      return { name: options.name, containerPort, host: this.getHost(), port: this.getMappedPort(containerPort) };
    } catch (error) {
      this.free.unshift(containerPort);
      throw error;
    }
  }

  /** Host port of a proxy's container port (re-read: changes after a restart). */
  hostPortOf(proxy: Pick<CreatedProxy, "containerPort">): number {
    return this.getMappedPort(proxy.containerPort);
  }

  async pause(): Promise<void> {
    await pauseContainer(this.getId());
  }

  async unpause(): Promise<void> {
    await unpauseContainer(this.getId());
  }
}
