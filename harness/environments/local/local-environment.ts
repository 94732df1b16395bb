// The embedded default where no container engine answers: the relay (the reference relay, or the
// user's --relay-command) and the real toxiproxy-server (two of them, one per relay listener) as
// child processes, with the same four network paths.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Toxiproxy } from "toxiproxy-node-client";
import { TOXIPROXY_ENV } from "../toxiproxy-log-level.ts";
import { buildRelayBundle } from "../../../fixtures/relay/build-relay-bundle.ts";
import { ensureToolPath } from "../../toolchain/ensure-tool.ts";
import type { Environment } from "../environment.ts";
import { PATH_PLAN } from "../network-paths.ts";
import type { EnvironmentOptions } from "../environment-options.ts";
import { checkRelayEnvironment, describeRelayUnderTest } from "../relay-under-test.ts";
import { waitForHttp } from "../wait-for-http.ts";
import { freePort } from "./free-port.ts";
import { LocalRelay, type RelayLaunch } from "./local-relay.ts";
import { startProcess, type ManagedProcess } from "./managed-process.ts";

const TOXIPROXY_READY_TIMEOUT_MS = 30_000;

export async function startLocalEnvironment(options: EnvironmentOptions): Promise<Environment> {
  checkRelayEnvironment(options.relay ?? null, "local", "--env");
  const dataDir = mkdtempSync(join(tmpdir(), "e2ee-chaos-relay-"));
  const toxiproxyProcesses: ManagedProcess[] = [];
  let relay: LocalRelay | null = null;
  const stop = async () => {
    await relay?.stop();
    await Promise.all(toxiproxyProcesses.map((p) => p.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const toxiproxyServer = await ensureToolPath("toxiproxy-server", options.log);
    // One toxiproxy-server per relay listener: each holds two file descriptors per connection,
    // and one process under a 20,000-descriptor limit tops out below 10,000 connections.
    const servers: Toxiproxy[] = [];
    for (const listener of [0, 1]) {
      const apiPort = await freePort();
      options.log(`starting toxiproxy-server on 127.0.0.1:${apiPort} (paths to relay listener ${listener})`);
      const proc = startProcess(toxiproxyServer, ["-host", "127.0.0.1", "-port", String(apiPort)], { env: TOXIPROXY_ENV, logFile: join(options.logDir, listener === 0 ? "toxiproxy.log" : `toxiproxy-${listener}.log`) });
      toxiproxyProcesses.push(proc);
      await waitForHttp(`http://127.0.0.1:${apiPort}/version`, "toxiproxy-server", { timeoutMs: TOXIPROXY_READY_TIMEOUT_MS, alive: () => proc.isRunning() });
      servers.push(new Toxiproxy(`http://127.0.0.1:${apiPort}`));
    }

    const relayPorts: [number, number] = [await freePort(), await freePort()];
    const underTest = options.relay?.kind === "command" ? options.relay : null;
    options.log(`starting ${underTest ? `relay under test (${describeRelayUnderTest(underTest)})` : "relay"} on 127.0.0.1:${relayPorts.join(", 127.0.0.1:")}`);
    const launch: RelayLaunch = underTest ? { kind: "command", command: underTest.command, source: underTest.source } : { kind: "bundle", bundle: await buildRelayBundle() };
    relay = new LocalRelay({ launch, ports: relayPorts, dataDir, logDir: options.logDir, env: options.relayEnv, tls: options.certificate });
    await relay.start();

    const scheme = options.certificate ? "wss" : "ws";
    const paths = [];
    const serverOf = new Map<string, Toxiproxy>();
    for (const plan of PATH_PLAN) {
      const port = await freePort();
      await servers[plan.listener].createProxy({ name: plan.name, listen: `127.0.0.1:${port}`, upstream: `127.0.0.1:${relayPorts[plan.listener]}`, enabled: true });
      serverOf.set(plan.name, servers[plan.listener]);
      paths.push({ name: plan.name, kind: plan.kind, url: `${scheme}://127.0.0.1:${port}/ws` });
    }
    const runningRelay = relay;
    return {
      kind: "local",
      versions: { node: process.version, toxiproxy: await servers[0].getVersion(), relay: underTest ? describeRelayUnderTest(underTest) : "local bundle (dist/relay.mjs)" },
      paths,
      toxiproxyFor: (path) => {
        const server = serverOf.get(path);
        if (!server) throw new Error(`no network path '${path}'; paths: ${[...serverOf.keys()].join(", ")}`);
        return server;
      },
      relay: runningRelay,
      resetNetwork: async () => {
        await Promise.all(servers.map((s) => s.reset()));
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
