// What an interrupted or killed run leaves behind is found by its labels and removed by the next
// run (containers-environment) and by `npm run chaos -- clean`: containers and networks of
// harness processes that are gone; never those of a harness that still runs.
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { getContainerRuntimeClient } from "testcontainers";
import { describe, expect, it } from "vitest";
import { ToxiproxyContainer } from "../../harness/environments/containers/toxiproxy-container.ts";
import { OWNER_HOST_LABEL, OWNER_PID_LABEL, RUN_LABEL, removeLeftovers } from "../../harness/environments/containers/run-labels.ts";
import { requireImages } from "../support/require-tool.ts";

async function dockerode() {
  return ((await getContainerRuntimeClient()).container as unknown as { dockerode: import("dockerode") }).dockerode;
}

describe("leftovers of earlier runs", () => {
  it("removes containers and networks of a harness that is gone, keeps those of one that runs", async () => {
    const images = await requireImages();
    const gone = spawnSync(process.execPath, ["-e", ""]).pid; // a pid that no longer runs
    const docker = await dockerode();
    const network = await docker.createNetwork({ Name: `e2ee-chaos-${gone}-test`, Driver: "bridge" });
    const start = (pid: number, run: string) => new ToxiproxyContainer(images.toxiproxy.name, { proxyPortCount: 1 })
      .withLabels({ [RUN_LABEL]: run, [OWNER_PID_LABEL]: String(pid), [OWNER_HOST_LABEL]: hostname() }).start();
    const orphan = await start(gone, "leftover-run");
    const owned = await start(process.pid, "running-run");
    try {
      const removed = await removeLeftovers();
      expect(removed.containers.map((c) => c.run)).toContain("leftover-run");
      expect(removed.containers.map((c) => c.run)).not.toContain("running-run");
      expect(removed.networks).toContain(`e2ee-chaos-${gone}-test`);
      const left = await docker.listContainers({ all: true, filters: { label: [RUN_LABEL] } });
      expect(left.map((c) => c.Id)).not.toContain(orphan.getId());
      expect(left.map((c) => c.Id)).toContain(owned.getId());
      // `mine`: everything this process started, as the harness does on its way out after a crash
      expect((await removeLeftovers({ mine: true })).containers.map((c) => c.run)).toEqual(["running-run"]);
    } finally {
      await owned.stop().catch(() => undefined);
      await orphan.stop().catch(() => undefined);
      await network.remove().catch(() => undefined);
    }
  });
});
