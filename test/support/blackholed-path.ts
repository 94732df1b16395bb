// One network path for a test: a real toxiproxy-server (child process) with one proxy in front of
// `upstreamPort`, and the harness's own blackhole fault on it (a `timeout` toxic, timeout 0, both
// ways: TCP stays up, no byte passes), as a run applies it.
import { join } from "node:path";
import type { Environment } from "../../harness/environments/environment.ts";
import { freePort } from "../../harness/environments/local/free-port.ts";
import { startProcess } from "../../harness/environments/local/managed-process.ts";
import { TOXIPROXY_ENV } from "../../harness/environments/toxiproxy-log-level.ts";
import { ToxiproxyNetwork } from "../../harness/environments/toxiproxy-network.ts";
import { waitForHttp } from "../../harness/environments/wait-for-http.ts";
import { blackhole } from "../../harness/faults/blackhole.ts";
import type { FaultContext } from "../../harness/faults/fault-kind.ts";

const PROXY = "path";

export interface BlackholedPath {
  /** the proxy's address, ws://127.0.0.1:PORT plus `wsPath` */
  url: string;
  blackhole(): Promise<void>;
  heal(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBlackholedPath(toxiproxyServer: string, upstreamPort: number, wsPath: string, logDir: string): Promise<BlackholedPath> {
  const apiPort = await freePort();
  const proc = startProcess(toxiproxyServer, ["-host", "127.0.0.1", "-port", String(apiPort)], { env: TOXIPROXY_ENV, logFile: join(logDir, "toxiproxy.log") });
  try {
    await waitForHttp(`http://127.0.0.1:${apiPort}/version`, "toxiproxy-server", { timeoutMs: 15_000, alive: () => proc.isRunning() });
    const network = new ToxiproxyNetwork([`http://127.0.0.1:${apiPort}`]);
    const listenPort = await freePort();
    await network.createPath(PROXY, `127.0.0.1:${listenPort}`, `127.0.0.1:${upstreamPort}`);
    const fault: FaultContext<Record<string, never>> = { env: { network } as unknown as Environment, paths: [PROXY], direction: "both", toxicity: 1, params: {}, name: "test-blackhole" };
    return {
      url: `ws://127.0.0.1:${listenPort}${wsPath}`,
      blackhole: () => blackhole.inject(fault),
      heal: () => blackhole.heal(fault),
      stop: () => proc.stop(),
    };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}
