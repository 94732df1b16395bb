// Puts a container on ONE user-defined network under a DNS alias, and on no other network.
//
// Testcontainers' withNetworkAliases() creates the container on the engine's default bridge and
// then connects it to the named network. On Podman the container then has two networks and two
// resolvers; a lookup of the alias can go to the default network's resolver and time out (seen
// after a restart). Asking for the network at creation time (NetworkMode + EndpointsConfig
// aliases, plain Docker API) avoids the second network on Docker and Podman alike.
import type { ContainerCreateOptions } from "dockerode";
import type { StartedNetwork } from "testcontainers";

/** Call with the container's createOpts after withNetwork(network) (which sets NetworkMode, as no aliases are given to Testcontainers). */
export function joinNetworkOnly(createOpts: ContainerCreateOptions, network: StartedNetwork, aliases: string[]): void {
  const name = network.getName();
  createOpts.NetworkingConfig = { EndpointsConfig: { [name]: { Aliases: aliases } } };
}
