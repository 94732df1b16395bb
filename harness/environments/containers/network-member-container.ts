// What the relay's, Toxiproxy's and an XMPP server's containers share: each joins ONE user-defined
// network under its DNS alias (and no other network), and remembers its startup timeout for the
// error that names it.
//
// Testcontainers' withNetworkAliases() creates the container on the engine's default bridge and
// then connects it to the named network. On Podman the container then has two networks and two
// resolvers; a lookup of the alias can go to the default network's resolver and time out (seen
// after a restart). Asking for the network at creation time (NetworkMode + EndpointsConfig
// aliases, plain Docker API) avoids the second network on Docker and Podman alike. GenericContainer
// (testcontainers 11.9) has no public method for EndpointsConfig, so onNetwork() writes its
// protected createOpts: here, once, for every container of the harness.
import { GenericContainer, type StartedNetwork } from "testcontainers";

export abstract class NetworkMemberContainer extends GenericContainer {
  /** the startup timeout in force, for error messages */
  protected startupTimeout: number;

  constructor(image: string, private readonly networkAlias: string, startupTimeoutMs: number) {
    super(image);
    this.startupTimeout = startupTimeoutMs;
    super.withStartupTimeout(startupTimeoutMs);
  }

  override withStartupTimeout(ms: number): this {
    this.startupTimeout = ms;
    return super.withStartupTimeout(ms);
  }

  /** Joins `network` under the container's alias (and `moreAliases`, e.g. the names Services give it in a cluster), and no other network. */
  onNetwork(network: StartedNetwork, moreAliases: string[] = []): this {
    // withNetwork() sets NetworkMode (no aliases are given to Testcontainers); the aliases go in at creation
    this.withNetwork(network);
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [network.getName()]: { Aliases: [this.networkAlias, ...moreAliases] } } };
    return this;
  }
}
