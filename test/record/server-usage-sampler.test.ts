// The server's own CPU and memory over a run, from RelayControl.usage(): CPU in cores per interval,
// a down server counted and not sampled, a restart starting its count again, and figures that are
// null ("not measured"), never 0, when no interval could be sampled.
import { describe, expect, it } from "vitest";
import type { ServerUsage } from "../../harness/environments/environment.ts";
import { ServerUsageSampler, serverUsageFigures, type ServerUsageSample } from "../../harness/record/server-usage-sampler.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A server using `cores` of CPU, with `rssMb` of memory, down (null) or restarted when told. */
function fakeServer(cores: number, rssMb: number) {
  let since = Date.now();
  let down = false;
  return {
    read: async (): Promise<ServerUsage | null> => (down ? null : { cpuSeconds: ((Date.now() - since) / 1000) * cores, rssMb }),
    down: () => void (down = true),
    restart: () => {
      down = false;
      since = Date.now();
    },
  };
}

describe("the server usage sampler", () => {
  it("samples CPU in cores and memory each interval, counts readings while down, and starts again after a restart", async () => {
    const server = fakeServer(0.5, 64);
    const sampler = new ServerUsageSampler(server.read, 40);
    sampler.start();
    await sleep(230);
    server.down();
    await sleep(130);
    server.restart();
    await sleep(230);
    const samples = await sampler.stop();
    expect(samples.length).toBeGreaterThanOrEqual(4);
    for (const s of samples) {
      expect(s.cpuCores).toBeGreaterThan(0.35);
      expect(s.cpuCores).toBeLessThan(0.65);
      expect(s.rssMb).toBe(64);
    }
    expect(sampler.readingsDown).toBeGreaterThanOrEqual(2);
    const figures = serverUsageFigures(samples, { readingsDown: sampler.readingsDown });
    expect(figures).toMatchObject({ samples: samples.length, readingsDown: sampler.readingsDown, rssMbPeak: 64, note: null });
    expect(figures.cpuCoresMean).toBeCloseTo(0.5, 1);
    expect(figures.cpuCoresPeak!).toBeGreaterThanOrEqual(figures.cpuCoresMean!);
  });

  it("gives null figures, not 0, with the reason, when nothing could be sampled", async () => {
    const sampler = new ServerUsageSampler(() => Promise.reject(new Error("no such container")), 20);
    sampler.start();
    await sleep(80);
    const samples = await sampler.stop();
    expect(samples).toEqual([]);
    expect(serverUsageFigures(samples, { readingsDown: sampler.readingsDown, error: sampler.error })).toEqual({
      samples: 0, readingsDown: sampler.readingsDown, cpuCoresPeak: null, cpuCoresMean: null, cpuSeconds: null, rssMbPeak: null, note: "the server's usage could not be read: no such container",
    });
    expect(serverUsageFigures([]).note).toBe("no interval was sampled");
  });

  it("gives figures over a window of the run (the bench's step at the lowest missed rate)", () => {
    const at = (t: number, cpuCores: number, rssMb: number): ServerUsageSample => ({ t, intervalMs: 1000, cpuCores, rssMb, cpuSeconds: 0 });
    const samples = [at(1000, 0.2, 50), at(2000, 0.4, 60), at(3000, 1.6, 90), at(4000, 0.8, 70)];
    expect(serverUsageFigures(samples, { window: { from: 1000, to: 3000 } })).toEqual({ samples: 2, readingsDown: 0, cpuCoresPeak: 1.6, cpuCoresMean: 1, cpuSeconds: 2, rssMbPeak: 90, note: null });
  });
});
