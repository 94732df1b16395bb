// The embedded default where no container engine answers: the relay (the reference relay, or the
// user's --relay-command) or an XMPP server in its place (--target prosody|ejabberd, from its Debian
// package), and the real toxiproxy-server (two of them, one per listener) as child processes, with
// the same four network paths.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TOXIPROXY_ENV } from "../toxiproxy-log-level.ts";
import { buildRelayBundle } from "../../../fixtures/relay/build-relay-bundle.ts";
import { ensureToolPath } from "../../toolchain/ensure-tool.ts";
import type { Environment, RelayControl } from "../environment.ts";
import { PATH_PLAN } from "../network-paths.ts";
import { ToxiproxyNetwork } from "../toxiproxy-network.ts";
import type { EnvironmentOptions } from "../environment-options.ts";
import { checkRelayEnvironment, describeRelayUnderTest } from "../relay-under-test.ts";
import { waitForHttp } from "../wait-for-http.ts";
import { freePort } from "./free-port.ts";
import { LocalRelay, type RelayLaunch } from "./local-relay.ts";
import { LocalXmppServer } from "../../targets/xmpp/local-xmpp-server.ts";
import { DEFAULT_TARGET, isXmppTarget, XMPP_DOMAIN, type XmppTargetName } from "../../targets/target.ts";
import { ensureXmppServer } from "../../toolchain/ensure-xmpp-server.ts";
import { startProcess, type ManagedProcess } from "./managed-process.ts";
import { forgetDirectory, recordDirectory } from "./harness-record.ts";

const TOXIPROXY_READY_TIMEOUT_MS = 30_000;

export async function startLocalEnvironment(options: EnvironmentOptions): Promise<Environment> {
  checkRelayEnvironment(options.relay ?? null, "local", "--env");
  const target = { name: options.target ?? DEFAULT_TARGET };
  const xmppKind = isXmppTarget(target.name) ? target.name : null;
  // before anything starts: a missing server is installed now (root on Debian) or exit code 3
  if (xmppKind) await ensureXmppServer(xmppKind, options.log);
  const dataDir = mkdtempSync(join(tmpdir(), xmppKind ? `e2ee-chaos-${xmppKind}-` : "e2ee-chaos-relay-"));
  recordDirectory(dataDir); // a killed harness's is removed with its processes (local-leftovers.ts)
  const toxiproxyProcesses: ManagedProcess[] = [];
  let relay: { stop(): Promise<void> } | null = null;
  const stop = async () => {
    await relay?.stop();
    await Promise.all(toxiproxyProcesses.map((p) => p.stop()));
    rmSync(dataDir, { recursive: true, force: true });
    forgetDirectory(dataDir);
  };
  try {
    const toxiproxyServer = await ensureToolPath("toxiproxy-server", options.log);
    // One toxiproxy-server per relay listener: each holds two file descriptors per connection,
    // and one process under a 20,000-descriptor limit tops out below 10,000 connections.
    const apiUrls: string[] = [];
    for (const listener of [0, 1]) {
      const apiPort = await freePort();
      options.log(`starting toxiproxy-server on 127.0.0.1:${apiPort} (paths to relay listener ${listener})`);
      const proc = startProcess(toxiproxyServer, ["-host", "127.0.0.1", "-port", String(apiPort)], { env: TOXIPROXY_ENV, logFile: join(options.logDir, listener === 0 ? "toxiproxy.log" : `toxiproxy-${listener}.log`) });
      toxiproxyProcesses.push(proc);
      await waitForHttp(`http://127.0.0.1:${apiPort}/version`, "toxiproxy-server", { timeoutMs: TOXIPROXY_READY_TIMEOUT_MS, alive: () => proc.isRunning() });
      apiUrls.push(`http://127.0.0.1:${apiPort}`);
    }
    const network = new ToxiproxyNetwork(apiUrls);

    const { ports: relayPorts, started } = await startOnFreePorts((ports) => (xmppKind ? startXmppServer(xmppKind, ports, dataDir, options) : startRelay(ports, dataDir, options)), options.log);
    relay = started.control;

    const scheme = options.certificate ? "wss" : "ws";
    const paths = [];
    for (const plan of PATH_PLAN) {
      const port = await freePort();
      await network.createPath(plan.name, `127.0.0.1:${port}`, `127.0.0.1:${relayPorts[plan.listener]}`, plan.listener);
      paths.push({ name: plan.name, kind: plan.kind, url: `${scheme}://127.0.0.1:${port}${started.wsPath}` });
    }
    const runningRelay = started.control;
    return {
      kind: "local",
      versions: { target: target.name, node: process.version, toxiproxy: await network.version(), [started.versionKey]: started.version },
      target: { name: target.name, version: started.version },
      paths,
      network,
      relay: runningRelay,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The server behind the paths: how to control it, the WebSocket path it serves, its version. */
interface StartedServer {
  control: RelayControl & { stop(): Promise<void> };
  wsPath: string;
  /** the key of its version in the environment's versions */
  versionKey: string;
  version: string;
}

async function startRelay(ports: [number, number], dataDir: string, options: EnvironmentOptions): Promise<StartedServer> {
  const underTest = options.relay?.kind === "command" ? options.relay : null;
  options.log(`starting ${underTest ? `relay under test (${describeRelayUnderTest(underTest)})` : "relay"} on 127.0.0.1:${ports.join(", 127.0.0.1:")}`);
  const launch: RelayLaunch = underTest ? { kind: "command", command: underTest.command, source: underTest.source } : { kind: "bundle", bundle: await buildRelayBundle() };
  const relay = new LocalRelay({ launch, ports, dataDir, logDir: options.logDir, env: options.relayEnv, tls: options.certificate });
  const result = { control: relay, wsPath: "/ws", versionKey: "relay", version: underTest ? describeRelayUnderTest(underTest) : "local bundle (dist/relay.mjs)" };
  await relay.start().catch(async (error: unknown) => {
    await relay.stop();
    throw error;
  });
  return result;
}

const ADDRESS_IN_USE = /address already in use|EADDRINUSE/i;
const PORT_ATTEMPTS = 3;

/**
 * The server under test started on two free ports. A free port is chosen, closed and then bound by
 * the server, so another program (another run, a test beside it) may take it in between: when the
 * server fails with "address in use", two other ports are chosen, up to PORT_ATTEMPTS times.
 */
async function startOnFreePorts(start: (ports: [number, number]) => Promise<StartedServer>, log: (line: string) => void): Promise<{ ports: [number, number]; started: StartedServer }> {
  for (let attempt = 1; ; attempt++) {
    const ports: [number, number] = [await freePort(), await freePort()];
    try {
      return { ports, started: await start(ports) };
    } catch (error) {
      if (attempt >= PORT_ATTEMPTS || !ADDRESS_IN_USE.test((error as Error).message)) throw error;
      log(`a port of ${ports.join(", ")} was taken before the server under test bound it (address in use): choosing two others (attempt ${attempt + 1} of ${PORT_ATTEMPTS})`);
    }
  }
}

/** Prosody or ejabberd on the two ports, with a per-run configuration (or the user's --target-config). */
async function startXmppServer(kind: XmppTargetName, ports: [number, number], dataDir: string, options: EnvironmentOptions): Promise<StartedServer> {
  const ignored = Object.keys(options.relayEnv);
  if (ignored.length) options.log(`target ${kind}: the suite's relay settings (${ignored.join(", ")}) are for the relay and are not applied`);
  options.log(`starting ${kind} on 127.0.0.1:${ports.join(", 127.0.0.1:")}${options.targetConfig ? ` with ${options.targetConfig} (--target-config)` : ""}`);
  const server = new LocalXmppServer({ kind, ports, dataDir, logDir: options.logDir, domain: XMPP_DOMAIN, ...(options.targetConfig ? { configFile: options.targetConfig } : {}) });
  await server.start().catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  return { control: server, wsPath: server.wsPath, versionKey: kind, version: server.version };
}
