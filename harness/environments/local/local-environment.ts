// The embedded default where no container engine answers: the relay and the real
// toxiproxy-server as child processes, with the same four network paths.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Toxiproxy } from "toxiproxy-node-client";
import { buildRelayBundle } from "../../../fixtures/relay/build-relay-bundle.ts";
import { requireToolPath } from "../../toolchain/locate-tool.ts";
import type { Environment } from "../environment.ts";
import { PATH_PLAN } from "../network-paths.ts";
import type { EnvironmentOptions } from "../environment-options.ts";
import { waitForHttp } from "../wait-for-http.ts";
import { freePort } from "./free-port.ts";
import { LocalRelay } from "./local-relay.ts";
import { startProcess, type ManagedProcess } from "./managed-process.ts";

const TOXIPROXY_READY_TIMEOUT_MS = 30_000;

export async function startLocalEnvironment(options: EnvironmentOptions): Promise<Environment> {
  const dataDir = mkdtempSync(join(tmpdir(), "e2ee-chaos-relay-"));
  let toxiproxyProcess: ManagedProcess | null = null;
  let relay: LocalRelay | null = null;
  const stop = async () => {
    await relay?.stop();
    await toxiproxyProcess?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const toxiproxyServer = await requireToolPath("toxiproxy-server");
    const apiPort = await freePort();
    options.log(`starting toxiproxy-server on 127.0.0.1:${apiPort}`);
    const proc = startProcess(toxiproxyServer, ["-host", "127.0.0.1", "-port", String(apiPort)], { logFile: join(options.logDir, "toxiproxy.log") });
    toxiproxyProcess = proc;
    await waitForHttp(`http://127.0.0.1:${apiPort}/version`, "toxiproxy-server", { timeoutMs: TOXIPROXY_READY_TIMEOUT_MS, alive: () => proc.isRunning() });

    const relayPorts: [number, number] = [await freePort(), await freePort()];
    options.log(`starting relay on 127.0.0.1:${relayPorts.join(", 127.0.0.1:")}`);
    relay = new LocalRelay({ bundle: await buildRelayBundle(), ports: relayPorts, dataDir, logDir: options.logDir, env: options.relayEnv, tls: options.certificate });
    await relay.start();

    const toxiproxy = new Toxiproxy(`http://127.0.0.1:${apiPort}`);
    const scheme = options.certificate ? "wss" : "ws";
    const paths = [];
    for (const plan of PATH_PLAN) {
      const port = await freePort();
      await toxiproxy.createProxy({ name: plan.name, listen: `127.0.0.1:${port}`, upstream: `127.0.0.1:${relayPorts[plan.listener]}`, enabled: true });
      paths.push({ name: plan.name, kind: plan.kind, url: `${scheme}://127.0.0.1:${port}/ws` });
    }
    const runningRelay = relay;
    return {
      kind: "local",
      versions: { node: process.version, toxiproxy: await toxiproxy.getVersion(), relay: "local bundle (dist/relay.mjs)" },
      paths,
      toxiproxy,
      relay: runningRelay,
      resetNetwork: () => toxiproxy.reset(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
