// Prosody or ejabberd as a Testcontainers module (the offline image built from the Debian package, or
// the official image): the per-run configuration rendered from the same template as for a local
// process (fixtures/targets/<kind>/, or the user's --target-config) and copied in before the start,
// both WebSocket listeners on container ports 5280 and 5281, readiness = the same XMPP WebSocket
// handshake the local server waits for, through the mapped ports (on every start, restarts too).
// A server that exits or does not answer is an EnvironmentError naming the configuration file and
// what the server said; Testcontainers removes such a container, so nothing is left running.
import type Dockerode from "dockerode";
import { getContainerRuntimeClient, type BoundPorts, type StartedTestContainer, type WaitStrategy } from "testcontainers";
import { EnvironmentError } from "../../errors.ts";
import type { StoredFile } from "../environment.ts";
import { ANY_NETWORK, renderXmppConfig, xmppConfigSource } from "../../targets/xmpp/xmpp-config.ts";
import { XMPP_SERVER_SPECS, type XmppServerKind } from "../../targets/xmpp/xmpp-server-kind.ts";
import { probeXmppWebSocket } from "../../targets/xmpp/xmpp-ws-client.ts";
import { XMPP_CONTAINER_PORTS, type ResolvedXmppImage, type XmppImageLayout } from "../../toolchain/xmpp-image.ts";
import { containerLogs } from "./engine-container.ts";
import { StartedServerContainer } from "./started-server-container.ts";
import { NetworkMemberContainer } from "./network-member-container.ts";
import { archiveFiles, textFile } from "./archive-files.ts";
import { readTarFiles } from "./tar-files.ts";

/** DNS name of the XMPP server on the run's network (Toxiproxy's upstreams: xmpp:5280, xmpp:5281). */
export const XMPP_NETWORK_ALIAS = "xmpp";
/** how long the first listener may take to answer (ejabberd's first start creates its Mnesia schema) */
export const XMPP_CONTAINER_READY_TIMEOUT_MS = 60_000;
/** one readiness probe: upgrade, <open/>, features */
const PROBE_TIMEOUT_MS = 2_000;
const LOG_TAIL_LINES = 12;
/** the lines of a server's output that say why it refused to start (as local-xmpp-server.ts picks them) */
const COMPLAINT = /^Error: |\berror\b\t|\[critical\]|\[error\]|Failed to start|Syntax error|Invalid value/i;

export interface XmppContainerOptions {
  /** the XMPP domain (the one virtual host) */
  domain: string;
  /** the user's own configuration instead of the template (its {{PLACEHOLDERS}} are filled in too) */
  configFile?: string;
  /** settings added to the configuration (see LocalXmppServerOptions.extraConfig) */
  extraConfig?: Record<string, string>;
}

/** On a network (onNetwork), Toxiproxy reaches it as `xmpp`: xmpp:5280 and xmpp:5281. */
export class XmppContainer extends NetworkMemberContainer {
  readonly kind: XmppServerKind;
  private readonly configSource: string;

  constructor(private readonly image: ResolvedXmppImage, private readonly options: XmppContainerOptions) {
    super(image.name, XMPP_NETWORK_ALIAS, XMPP_CONTAINER_READY_TIMEOUT_MS);
    this.kind = image.kind;
    const { layout } = image;
    this.configSource = xmppConfigSource(this.kind, options.configFile);
    const config = renderXmppConfig(this.kind, configValues(this.kind, layout, options.domain), {
      ...(options.configFile ? { configFile: options.configFile } : {}),
      ...(options.extraConfig ? { extraConfig: options.extraConfig } : {}),
    });
    this.withExposedPorts(...XMPP_CONTAINER_PORTS)
      .withEnvironment(layout.env)
      .withCommand(layout.command)
      .withCopyContentToContainer([{ content: config, target: layout.configPath, mode: 0o644 }])
      .withWaitStrategy(new XmppWebSocketWait(this.kind, options.domain, layout).withStartupTimeout(XMPP_CONTAINER_READY_TIMEOUT_MS))
      // a fixed host name: nothing of the server's identity (ejabberd's node name is fixed too) changes between runs or restarts
      .withHostname(this.kind);
    if (layout.entrypoint) this.withEntrypoint(layout.entrypoint);
    if (layout.workingDir) this.withWorkingDir(layout.workingDir);
  }

  override async start(): Promise<StartedXmppContainer> {
    try {
      return new StartedXmppContainer(await super.start(), this.image);
    } catch (error) {
      throw notStarted(error, this.image, this.configSource, this.options.configFile, this.startupTimeout);
    }
  }
}

export class StartedXmppContainer extends StartedServerContainer {
  readonly kind: XmppServerKind;
  readonly wsPath: string;

  constructor(started: StartedTestContainer, readonly image: ResolvedXmppImage) {
    super(started);
    this.kind = image.kind;
    this.wsPath = XMPP_SERVER_SPECS[image.kind].wsPath;
  }

  /** Host port of listener `index`; read on every call because a restart changes it. */
  hostPort(index = 0): number {
    const port = XMPP_CONTAINER_PORTS[index];
    if (port === undefined) throw new RangeError(`${this.kind} has listeners 0..${XMPP_CONTAINER_PORTS.length - 1}, not ${index}`);
    return this.getMappedPort(port);
  }

  /** ws://HOST:PORT/xmpp-websocket from the host, straight to the server (no Toxiproxy in between). */
  wsUrl(index = 0): string {
    return `ws://${this.getHost()}:${this.hostPort(index)}${this.wsPath}`;
  }

  /** host:port of listener `index` for other containers on the run's network (a Toxiproxy upstream). */
  networkAddress(index = 0): string {
    const port = XMPP_CONTAINER_PORTS[index];
    if (port === undefined) throw new RangeError(`${this.kind} has listeners 0..${XMPP_CONTAINER_PORTS.length - 1}, not ${index}`);
    return `${XMPP_NETWORK_ALIAS}:${port}`;
  }

  /** What it printed (all its starts), then its log file (Prosody writes its log there, not to the console). */
  async output(): Promise<string> {
    const printed = await containerLogs(this.getId());
    const file = await readContainerFile(this.getId(), this.image.layout.logFile).catch(() => null);
    return file === null ? printed : `${printed}${printed.endsWith("\n") || printed === "" ? "" : "\n"}${file}`;
  }

  /**
   * Every regular file of its data directory ("prosody data: store/localhost/offline/bob.list",
   * "ejabberd data: store/offline_msg.DAT"; the offline images keep the logs there too: "prosody
   * data: logs/prosody.log"), of its other log directories ("ejabberd log: ejabberd.log") and what
   * it printed ("prosody log: container output"). A stopped container is read as well.
   */
  async *storedFiles(): AsyncGenerator<StoredFile> {
    const { layout } = this.image;
    for (const [dir, label] of [[layout.dataDir, "data"], ...layout.logDirs.map((d) => [d, "log"])] as const) {
      yield* archiveFiles(await this.copyArchiveFromContainer(dir), dir, `${this.kind} ${label}: `);
    }
    yield textFile(`${this.kind} log: container output`, await containerLogs(this.getId()));
  }
}

/** The placeholders' values inside the container: both listeners on every address, the image's paths. */
function configValues(kind: XmppServerKind, layout: XmppImageLayout, domain: string) {
  return {
    ports: XMPP_CONTAINER_PORTS,
    listenAddress: "0.0.0.0",
    clientNetworks: ANY_NETWORK,
    dataDir: layout.storeDir,
    logFile: layout.logFile,
    pidFile: layout.pidFile,
    domain,
    wsPath: XMPP_SERVER_SPECS[kind].wsPath,
  };
}

/** One file of a container (running or stopped), as text; null when it has none there. */
async function readContainerFile(id: string, path: string): Promise<string | null> {
  const client = await getContainerRuntimeClient();
  const stream = await client.container.getById(id).getArchive({ path });
  const [file] = await readTarFiles(stream);
  return file ? Buffer.from(file.bytes).toString("utf8") : null;
}

/** Why the server did not come up: set by the wait below, turned into an EnvironmentError by notStarted(). */
class XmppNotReady extends Error {
  constructor(readonly exitCode: number | null, readonly url: string, readonly index: number, readonly last: string, readonly output: string) {
    super(exitCode === null ? `${url} did not answer an XMPP WebSocket handshake (last: ${last})` : `the server exited (exit code ${exitCode}) before ${url} answered`);
  }
}

/**
 * Ready when every listener answers an XMPP WebSocket handshake (upgrade with subprotocol xmpp,
 * <open/>, <stream:features/>) through its mapped port, as the local server's wait; fails at once
 * when the container exits. Runs on every start and restart (Testcontainers calls it).
 */
class XmppWebSocketWait implements WaitStrategy {
  private timeoutMs = XMPP_CONTAINER_READY_TIMEOUT_MS;
  private timeoutSet = false;

  constructor(private readonly kind: XmppServerKind, private readonly domain: string, private readonly layout: XmppImageLayout) {}

  withStartupTimeout(ms: number): this {
    this.timeoutMs = ms;
    this.timeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }

  getStartupTimeout(): number {
    return this.timeoutMs;
  }

  async waitUntilReady(container: Dockerode.Container, boundPorts: BoundPorts): Promise<void> {
    const { host } = (await getContainerRuntimeClient()).info.containerRuntime;
    const deadline = Date.now() + this.timeoutMs;
    for (const [index, port] of XMPP_CONTAINER_PORTS.entries()) {
      const url = `ws://${host}:${boundPorts.getBinding(port)}${XMPP_SERVER_SPECS[this.kind].wsPath}`;
      let last = "no answer yet";
      for (;;) {
        const state = (await container.inspect()).State;
        if (!state.Running) throw new XmppNotReady(state.ExitCode ?? -1, url, index, last, await this.output(container.id));
        try {
          await probeXmppWebSocket(url, this.domain, Math.min(PROBE_TIMEOUT_MS, Math.max(1, deadline - Date.now())));
          break;
        } catch (error) {
          last = (error as Error).message;
        }
        if (Date.now() >= deadline) throw new XmppNotReady(null, url, index, last, await this.output(container.id));
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** what the server printed, and its log file */
  private async output(id: string): Promise<string> {
    const printed = await containerLogs(id).catch(() => "");
    const file = await readContainerFile(id, this.layout.logFile).catch(() => null);
    return file ? `${printed}\n${file}` : printed;
  }
}

function notStarted(error: unknown, image: ResolvedXmppImage, configSource: string, configFile: string | undefined, timeoutMs: number): EnvironmentError {
  if (error instanceof EnvironmentError) return error;
  const what = `${image.kind} ${image.version} (image ${image.name})`;
  const fix = configFile ? `correct ${configFile}, or run without it to use the harness's configuration (${XMPP_SERVER_SPECS[image.kind].template})` : "npm run doctor";
  if (!(error instanceof XmppNotReady)) {
    return new EnvironmentError(`${what}: its container did not start: ${(error as Error).message.split("\n")[0]}`, fix);
  }
  const lines = error.output.trimEnd().split("\n").filter((l) => l.trim() !== "");
  const complaint = lines.filter((l) => COMPLAINT.test(l)).slice(0, 4).map((l) => l.trim().replace(/^\d{4}-\d\d-\d\d[ T][\d:.]+(?:Z|[+-]\d\d:\d\d)? /, ""));
  const handshake = "an XMPP WebSocket handshake (upgrade with subprotocol xmpp, <open/>, <stream:features/>)";
  const config = `${configSource}${configFile ? ` (filled in as ${image.layout.configPath} in the container)` : ""}`;
  let message: string;
  if (error.exitCode !== null) {
    message = `${what} exited (exit code ${error.exitCode}) before ${error.url} answered ${handshake}`;
    if (complaint.length) message += `; it refused its configuration ${config}: ${complaint.join(" | ")}`;
  } else {
    message = `${what} runs but ${error.url} did not answer ${handshake} within ${timeoutMs} ms (last: ${error.last})`;
    message += error.index > 0
      ? `; the first listener answers: the configuration ${config} must serve ${XMPP_SERVER_SPECS[image.kind].wsPath} on both ports`
      : `; does the configuration ${config} listen on 0.0.0.0:${XMPP_CONTAINER_PORTS.join(" and 0.0.0.0:")} ({{INTERFACE}}, {{PORT_1}}, {{PORT_2}}) at ${XMPP_SERVER_SPECS[image.kind].wsPath}?`;
    if (complaint.length) message += ` It logged: ${complaint.join(" | ")}`;
  }
  const tail = lines.slice(-LOG_TAIL_LINES);
  message += tail.length ? `; its last lines:\n    ${tail.join("\n    ")}` : "; it printed nothing";
  return new EnvironmentError(message, fix);
}
