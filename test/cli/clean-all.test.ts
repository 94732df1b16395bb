// `npm run chaos -- clean --all` on the real container engine: a labelled container and a run
// network whose owner still runs (this test process) are left by `clean`, and removed by
// `clean --all`, which removes every run's containers, also of runs still going.
import { afterAll, describe, expect, it } from "vitest";
import type Dockerode from "dockerode";
import { getContainerRuntimeClient } from "testcontainers";
import { RUN_LABEL, runLabels, runNetworkName } from "../../harness/environments/containers/run-labels.ts";
import { requireImages } from "../support/require-tool.ts";
import { runChaos } from "../support/run-chaos.ts";

const RUN_ID = `clean-all-test-${process.pid}`;

async function docker(): Promise<Dockerode> {
  return ((await getContainerRuntimeClient()).container as unknown as { dockerode: Dockerode }).dockerode;
}

const containersOfRun = async () => (await (await docker()).listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${RUN_ID}`] } })).map((c) => c.Id);
const networkNamed = async (name: string) => (await (await docker()).listNetworks()).filter((n) => n.Name === name).map((n) => n.Name);

describe("clean --all", () => {
  const network = runNetworkName();

  afterAll(async () => {
    const engine = await docker();
    for (const id of await containersOfRun()) await engine.getContainer(id).remove({ force: true }).catch(() => {});
    await engine.getNetwork(network).remove().catch(() => {});
  });

  it("removes the containers and networks of a run still going, which plain clean leaves alone", async () => {
    const images = await requireImages();
    const engine = await docker();
    // created, not started: the labels are what clean goes by; the owner is this (running) process
    const container = await engine.createContainer({ Image: images.relay.name, Labels: runLabels(RUN_ID) });
    await engine.createNetwork({ Name: network });

    const plain = await runChaos(["clean"]);
    expect(plain.code, `${plain.out}\n${plain.err}`).toBe(0);
    expect(await containersOfRun(), "a running owner's container after clean").toEqual([container.id]);
    expect(await networkNamed(network), "a running owner's network after clean").toEqual([network]);

    const all = await runChaos(["clean", "--all"]);
    expect(all.code, `${all.out}\n${all.err}`).toBe(0);
    expect(all.out).toMatch(new RegExp(`^  ${container.id.slice(0, 12)} \\S+ \\(run ${RUN_ID}\\)$`, "m"));
    expect(await containersOfRun(), "after clean --all").toEqual([]);
    expect(await networkNamed(network), "after clean --all").toEqual([]);
  });
});
