// The relay image and a Toxiproxy container on the container engine, one user-defined network:
// real clients talk to the relay THROUGH a Toxiproxy proxy, and a toxic shows up on the wire.
import { Network, type StartedNetwork } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RelayContainer, type StartedRelayContainer } from "../../harness/environments/containers/relay-container.ts";
import { ToxiproxyContainer, type CreatedProxy, type StartedToxiproxyContainer } from "../../harness/environments/containers/toxiproxy-container.ts";
import { TOXIPROXY_VERSION } from "../../harness/toolchain/versions.ts";
import { medianMs } from "../support/median-timing.ts";
import { requireImages } from "../support/require-tool.ts";
import { RelayTestClient, randomBody } from "../support/relay-test-client.ts";

const proxyWsUrl = (p: CreatedProxy) => `ws://${p.host}:${p.port}/ws`;

const medianRoundTripMs = (client: RelayTestClient, samples: number) => medianMs(samples, () => client.ping());

describe("relay and Toxiproxy containers on one network", () => {
  let network: StartedNetwork | undefined;
  let relay: StartedRelayContainer | undefined;
  let toxiproxy: StartedToxiproxyContainer | undefined;
  let relayProxy: CreatedProxy;
  const clients: RelayTestClient[] = [];

  beforeAll(async () => {
    const images = await requireImages();
    network = await new Network().start();
    relay = await new RelayContainer(images.relay.name).onNetwork(network).start();
    toxiproxy = await new ToxiproxyContainer(images.toxiproxy.name, { proxyPortCount: 4 }).onNetwork(network).start();
    relayProxy = await toxiproxy.createProxy({ name: "relay-a", upstream: relay.networkAddress(0) });
  });

  afterAll(async () => {
    // No Ryuk on Podman: remove everything we started, even after a failure.
    await Promise.allSettled(clients.map((c) => c.close()));
    await Promise.allSettled([toxiproxy?.stop(), relay?.stop()]);
    await network?.stop().catch(() => {});
  });

  const connect = async (url: string) => {
    const client = await RelayTestClient.connect(url);
    clients.push(client);
    return client;
  };

  it("serves Toxiproxy's API at the pinned version", async () => {
    expect(await toxiproxy!.network.version()).toContain(TOXIPROXY_VERSION);
  });

  it("passes a message between two authenticated clients through a Toxiproxy proxy to relay:7001", async () => {
    const alice = await connect(proxyWsUrl(relayProxy));
    const bob = await connect(proxyWsUrl(relayProxy));
    const body = randomBody(200);
    const sent = await alice.sendAndWait(bob.userId, body, "through-proxy-1");
    expect(sent).toMatchObject({ type: "sent", id: "through-proxy-1", to: bob.userId });
    const [delivered] = await bob.waitForDeliveries(1);
    expect(delivered).toMatchObject({ id: "through-proxy-1", from: alice.userId, body });
    bob.ack(["through-proxy-1"]);
  });

  it("adds a latency toxic's delay to every ping/pong round trip, and removing it takes it away", async () => {
    const client = await connect(proxyWsUrl(relayProxy));
    const before = await medianRoundTripMs(client, 9);
    await toxiproxy!.network.addToxic(relayProxy.name, { name: "slow-down", type: "latency", stream: "downstream", toxicity: 1, attributes: { latency: 300, jitter: 0 } });
    const during = await medianRoundTripMs(client, 5);
    await toxiproxy!.network.removeToxic(relayProxy.name, "slow-down");
    const after = await medianRoundTripMs(client, 9);
    const medians = `median round trip before ${before.toFixed(0)} ms, with the toxic ${during.toFixed(0)} ms, after ${after.toFixed(0)} ms`;
    // with the toxic no pong comes back in under 300 ms whatever else the machine does; without it, most do
    expect(during, medians).toBeGreaterThanOrEqual(300);
    expect(during - before, medians).toBeLessThan(300 + 1_000);
    expect(after, medians).toBeLessThan(300);
  });

  it("stays on its own network only, so the alias resolves through the network's DNS", () => {
    expect(relay!.getNetworkNames()).toEqual([network!.getName()]);
    expect(toxiproxy!.getNetworkNames()).toEqual([network!.getName()]);
  });

  it("answers /healthz on new mapped ports after kill -9 and restart, and not while paused", async () => {
    await relay!.pause();
    const paused = await fetch(relay!.healthzUrl(), { signal: AbortSignal.timeout(1_000) }).then(
      (r) => r.status,
      () => "no answer",
    );
    expect(paused).toBe("no answer");
    await relay!.unpause();
    expect((await fetch(relay!.healthzUrl())).status).toBe(200);

    // Three rounds, to catch a race between the restart, the new mapped ports and the alias lookup.
    for (let round = 0; round < 3; round++) {
      await relay!.kill();
      await relay!.restart();
      expect((await fetch(relay!.healthzUrl(1))).status).toBe(200);
      // The proxy reaches the restarted relay by its network alias again.
      const client = await connect(proxyWsUrl(relayProxy));
      expect((await client.ping()).type).toBe("pong");
    }
  });
});
