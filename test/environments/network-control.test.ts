// The environment's network control against two real toxiproxy-servers (as the local environment
// runs them): a fault over paths on both servers goes on all of them and heals; the end-of-run check
// asks Toxiproxy itself, so a toxic added behind the harness's back (straight through Toxiproxy's
// HTTP API) and a disabled path are reported by path and toxic name, and a clean network passes.
import { mkdtempSync } from "node:fs";
import { createServer, connect, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Environment } from "../../harness/environments/environment.ts";
import { freePort } from "../../harness/environments/local/free-port.ts";
import { startProcess, type ManagedProcess } from "../../harness/environments/local/managed-process.ts";
import { networkLeftovers, restoreNetwork } from "../../harness/environments/network-leftovers.ts";
import { PATH_PLAN } from "../../harness/environments/network-paths.ts";
import { TOXIPROXY_ENV } from "../../harness/environments/toxiproxy-log-level.ts";
import { ToxiproxyNetwork } from "../../harness/environments/toxiproxy-network.ts";
import { waitForHttp } from "../../harness/environments/wait-for-http.ts";
import { FaultTimeline, type FaultRecord } from "../../harness/timeline/fault-timeline.ts";
import { validateTimeline } from "../../harness/timeline/validate-timeline.ts";
import { requireTool } from "../support/require-tool.ts";

/** Sends a line through `port` and waits for its echo: "echoed after N ms", or what went wrong. */
function echoThrough(port: number, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(port, "127.0.0.1", () => socket.write("ping\n"));
    const done = (outcome: string) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => done("no echo"));
    socket.once("data", () => done(`echoed after ${Math.round(performance.now() - started)} ms`));
    socket.once("error", (e) => done(`failed: ${e.message}`));
    socket.once("end", () => done("closed"));
  });
}

describe("the network control over real Toxiproxy servers", () => {
  const servers: ManagedProcess[] = [];
  const apiUrls: string[] = [];
  const listenPorts = new Map<string, number>();
  let echo: Server;
  let network: ToxiproxyNetwork;

  beforeAll(async () => {
    const toxiproxy = await requireTool("toxiproxy-server");
    const logDir = mkdtempSync(join(tmpdir(), "network-control-"));
    echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    const echoPort = (echo.address() as { port: number }).port;
    for (const index of [0, 1]) {
      const apiPort = await freePort();
      const proc = startProcess(toxiproxy.path, ["-host", "127.0.0.1", "-port", String(apiPort)], { env: TOXIPROXY_ENV, logFile: join(logDir, `toxiproxy-${index}.log`) });
      servers.push(proc);
      await waitForHttp(`http://127.0.0.1:${apiPort}/version`, "toxiproxy-server", { timeoutMs: 15_000, alive: () => proc.isRunning() });
      apiUrls.push(`http://127.0.0.1:${apiPort}`);
    }
    network = new ToxiproxyNetwork(apiUrls);
    for (const plan of PATH_PLAN) {
      const port = await freePort();
      listenPorts.set(plan.name, port);
      await network.createPath(plan.name, `127.0.0.1:${port}`, `127.0.0.1:${echoPort}`, plan.listener);
    }
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    echo?.close();
  });

  const port = (path: string) => listenPorts.get(path)!;
  const apiOf = (path: string) => apiUrls[PATH_PLAN.find((p) => p.name === path)!.listener]!;

  it("passes a clean network: every path enabled, no toxic", async () => {
    expect(await network.inForce()).toEqual(PATH_PLAN.map((p) => ({ path: p.name, enabled: true, toxics: [] })));
    expect(await networkLeftovers(network)).toEqual([]);
    const log: string[] = [];
    expect(await restoreNetwork(network, (l) => log.push(l))).toEqual([]);
    expect(log).toEqual([]);
  });

  it("reports a toxic added behind the harness's back and a disabled path, by path and toxic name, then resets them", async () => {
    const sneaky = await fetch(`${apiOf("direct-b")}/proxies/direct-b/toxics`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "sneaky", type: "latency", stream: "upstream", toxicity: 1, attributes: { latency: 400 } }),
    });
    expect(sneaky.status).toBe(200);
    const disable = await fetch(`${apiOf("proxy-2")}/proxies/proxy-2`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ enabled: false }) });
    expect(disable.status).toBe(200);

    expect(await networkLeftovers(network)).toEqual(["direct-b: toxic sneaky (latency, upstream)", "proxy-2: disabled"]);
    const log: string[] = [];
    expect(await restoreNetwork(network, (l) => log.push(l))).toEqual(["direct-b: toxic sneaky (latency, upstream)", "proxy-2: disabled"]);
    expect(log).toEqual(["after the heals Toxiproxy still held: direct-b: toxic sneaky (latency, upstream); proxy-2: disabled; resetting the network"]);
    expect(await networkLeftovers(network)).toEqual([]);
    expect(await echoThrough(port("proxy-2"))).toMatch(/^echoed after/);
  });

  it("applies a latency fault to paths on both servers, shows it in force, and heals it", async () => {
    const [entry] = validateTimeline([{ at: "0s", for: "1s", target: "direct", direction: "both", fault: { kind: "latency", latencyMs: 300 } }], "suite.json");
    const records: FaultRecord[] = [];
    const timeline = new FaultTimeline([entry!], { network } as unknown as Environment, (r) => records.push(r));
    timeline.start(Date.now());
    await vi.waitFor(() => expect(records).toHaveLength(1), { timeout: 3000 });
    expect(records[0]).toMatchObject({ event: "inject", ok: true });
    expect(records[0]!.lastAppliedAt).toBeGreaterThanOrEqual(records[0]!.appliedAt);
    expect(await networkLeftovers(network)).toEqual(["direct-a", "direct-b"].flatMap((p) => ["upstream", "downstream"].map((s) => `${p}: toxic t0-latency-${s} (latency, ${s})`)));
    const during = await echoThrough(port("direct-b"));
    expect(Number(/(\d+) ms/.exec(during)?.[1]), during).toBeGreaterThanOrEqual(600); // 300 ms each way
    await vi.waitFor(() => expect(records).toHaveLength(2), { timeout: 3000 });
    expect(records[1]).toMatchObject({ event: "heal", ok: true });
    await timeline.healAll();
    expect(await networkLeftovers(network)).toEqual([]);
    expect(Number(/(\d+) ms/.exec(await echoThrough(port("direct-b")))?.[1])).toBeLessThan(300);
  });

  it("disables a path (connections refused or closed) and enables it again; a toxic already gone is removed without complaint", async () => {
    await network.setEnabled("direct-a", false);
    expect(await echoThrough(port("direct-a"))).toMatch(/^(failed|closed)/);
    expect(await networkLeftovers(network)).toEqual(["direct-a: disabled"]);
    await network.setEnabled("direct-a", true);
    expect(await echoThrough(port("direct-a"))).toMatch(/^echoed after/);
    await expect(network.removeToxic("direct-a", "never-added")).resolves.toBeUndefined();
  });

  it("names the path and the toxic when Toxiproxy refuses, and the known paths for an unknown one", async () => {
    const toxic = { name: "twice", type: "bandwidth", stream: "downstream", toxicity: 1, attributes: { rate: 1 } } as const;
    await network.addToxic("proxy-1", toxic);
    await expect(network.addToxic("proxy-1", toxic)).rejects.toThrow(/^adding toxic twice to proxy-1: .*409/);
    await network.removeToxic("proxy-1", "twice");
    await expect(network.addToxic("direct-z", toxic)).rejects.toThrow("no network path 'direct-z'; paths: direct-a, direct-b, proxy-1, proxy-2");
    expect(await networkLeftovers(network)).toEqual([]);
  });
});
