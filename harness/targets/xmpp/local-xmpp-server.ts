// Prosody or ejabberd (their Debian packages) as a local child process in place of the reference
// relay, controlled the same way (RelayControl): a configuration filled in per run from
// fixtures/targets/<kind>/ (or the user's own file), both WebSocket listeners on 127.0.0.1, a data
// directory that survives kill/start, signals to the whole process group.
//
// How each runs:
// - Prosody: `prosody --config FILE -F` (foreground). The config says run_as_root = true, so the
//   same command works as root and as any other user (see the template).
// - ejabberd: erl started directly with the arguments ejabberdctl's `foreground` would give it
//   (erl's path and ERL_LIBS read from the installed ejabberdctl). ejabberdctl itself is not used:
//   as root it re-runs itself through `su ejabberd` (which cannot read a run's private temporary
//   directories), as any other user it refuses (exit 7), and with INET_DIST_INTERFACE it boots a
//   second Erlang VM on every start. The node gets a name unique to its data directory (kept there:
//   Mnesia's files belong to that name, so a restart reuses it), its distribution port is a free
//   port on 127.0.0.1 (ERL_DIST_PORT, no epmd) and its cookie lives in the data directory (HOME).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { EnvironmentError } from "../../errors.ts";
import type { RelayControl, StoredFile } from "../../environments/environment.ts";
import { directoryFiles, storedFile } from "../../environments/local/directory-files.ts";
import { noJournal, noMetrics } from "./xmpp-not-available.ts";
import { freePort } from "../../environments/local/free-port.ts";
import { SignalledServer } from "../../environments/local/signalled-server.ts";
import { startProcess, type ManagedProcess } from "../../environments/local/managed-process.ts";
import { probeXmppWebSocket } from "./xmpp-ws-client.ts";
import { installedXmppVersionSync, XMPP_SERVER_SPECS, type XmppServerKind } from "./xmpp-server-kind.ts";
import { LOOPBACK_NETWORKS, renderXmppConfig, xmppConfigSource } from "./xmpp-config.ts";

/** moved to xmpp-config.ts (shared with the containers environment); re-exported for existing imports */
export { withEjabberdExtra, withProsodyExtra } from "./xmpp-config.ts";

export const XMPP_READY_TIMEOUT_MS = 60_000;
/** once the first listener answers, how long the second may take */
const OTHER_LISTENER_TIMEOUT_MS = 10_000;
/** one readiness probe: upgrade, <open/>, features */
const PROBE_TIMEOUT_MS = 2_000;
const LOG_TAIL_LINES = 12;

export interface LocalXmppServerOptions {
  kind: XmppServerKind;
  /** the two WebSocket listeners on 127.0.0.1 */
  ports: [number, number];
  /** the server's configuration and store (kept across kill/start) */
  dataDir: string;
  /** `<logDir>/<kind>.log` gets everything the server prints */
  logDir: string;
  /** the XMPP domain (the one virtual host) */
  domain: string;
  /** the user's own configuration, used instead of the template (its {{PLACEHOLDERS}} are filled in too) */
  configFile?: string;
  /**
   * Top-level settings added to the configuration, overriding the template's: Prosody `key = value`
   * (value a Lua expression as written, placed before the first VirtualHost), ejabberd `key: value`
   * (value YAML as written).
   */
  extraConfig?: Record<string, string>;
  /** how long the first listener may take to answer (default 60 s) */
  readyTimeoutMs?: number;
}

export class LocalXmppServer extends SignalledServer implements RelayControl {
  readonly kind: XmppServerKind;
  /** the installed package's version ("not installed" when it is not) */
  readonly version: string;
  readonly wsPath: string;

  constructor(private readonly options: LocalXmppServerOptions) {
    super();
    this.kind = options.kind;
    this.wsPath = XMPP_SERVER_SPECS[options.kind].wsPath;
    this.version = installedXmppVersionSync(options.kind) ?? "not installed";
  }

  /** ws://127.0.0.1:PORT/xmpp-websocket, one per listener */
  get urls(): string[] {
    return this.options.ports.map((port) => `ws://127.0.0.1:${port}${this.wsPath}`);
  }

  get logFile(): string {
    return join(this.options.logDir, `${this.kind}.log`);
  }

  /** the configuration the server runs with (written into the data directory on the first start) */
  get configPath(): string {
    return join(this.options.dataDir, XMPP_SERVER_SPECS[this.kind].configFileName);
  }

  /** the file the configuration came from: the user's, or the template */
  private get configSource(): string {
    return xmppConfigSource(this.kind, this.options.configFile);
  }

  private get description(): string {
    return `${this.kind} ${this.version}`;
  }

  metrics(): Promise<string> {
    return noMetrics(this.kind, `http://127.0.0.1:${this.options.ports[0]}`, this.paused ? "paused" : this.process?.isRunning() ? "up" : "down");
  }

  journal(): Promise<string> {
    return noJournal(this.kind, `http://127.0.0.1:${this.options.ports[0]}`);
  }

  async logs(): Promise<string> {
    return readFile(this.logFile, "utf8").catch(() => "");
  }

  /**
   * What it keeps and wrote: every file of its data directory (configuration, store: Prosody's
   * .dat/.list files, ejabberd's Mnesia .DCD/.DCL/.DAT files) and its logs (ejabberd: the console
   * log and its own log directory), named "prosody data: store/localhost/offline/bob.list".
   */
  async *storedFiles(): AsyncGenerator<StoredFile> {
    yield* directoryFiles(this.options.dataDir, `${this.kind} data: `);
    yield* storedFile(this.logFile, `${this.kind} log: ${basename(this.logFile)}`);
    if (this.kind === "ejabberd") yield* directoryFiles(join(this.options.logDir, "ejabberd"), "ejabberd log: ejabberd/");
  }

  async start(): Promise<void> {
    if (this.process?.isRunning()) return;
    const spec = XMPP_SERVER_SPECS[this.kind];
    if (installedXmppVersionSync(this.kind) === null) {
      throw new EnvironmentError(`${this.kind} is not installed (Debian package ${spec.debianPackage})`, spec.installCommand);
    }
    mkdirSync(this.options.dataDir, { recursive: true });
    mkdirSync(this.options.logDir, { recursive: true });
    if (!existsSync(this.configPath)) this.writeConfig();
    const logOffset = fileSize(this.logFile);
    const proc = this.kind === "prosody" ? this.launchProsody() : await this.launchEjabberd();
    this.process = proc;
    this.paused = false;
    const timeouts = [this.options.readyTimeoutMs ?? XMPP_READY_TIMEOUT_MS, OTHER_LISTENER_TIMEOUT_MS];
    for (const [index, url] of this.urls.entries()) {
      const failure = await waitForXmpp(url, this.options.domain, timeouts[index], () => proc.isRunning());
      if (failure !== null) {
        const error = await this.notReady(proc, url, index, timeouts[index], failure, logOffset);
        await proc.stop("SIGKILL"); // nothing of a failed start stays behind
        throw error;
      }
    }
  }

  private writeConfig(): void {
    const { dataDir, domain, ports } = this.options;
    const store = join(dataDir, "store");
    const values = { ports, listenAddress: "127.0.0.1", clientNetworks: LOOPBACK_NETWORKS, dataDir: store, logFile: this.logFile, pidFile: join(dataDir, `${this.kind}.pid`), domain, wsPath: this.wsPath };
    const text = renderXmppConfig(this.kind, values, { configFile: this.options.configFile, extraConfig: this.options.extraConfig });
    mkdirSync(store, { recursive: true });
    if (this.kind === "prosody") mkdirSync(join(dataDir, "certs"), { recursive: true });
    writeFileSync(this.configPath, text);
  }

  private launchProsody(): ManagedProcess {
    return startProcess(XMPP_SERVER_SPECS.prosody.launcher, ["--config", this.configPath, "-F"], { logFile: this.logFile, group: true, name: "prosody" });
  }

  private async launchEjabberd(): Promise<ManagedProcess> {
    const { dataDir } = this.options;
    const { erl, erlLibs } = ejabberdInstallation();
    const mnesiaDir = join(dataDir, "store");
    const ownLogs = join(this.options.logDir, "ejabberd");
    mkdirSync(mnesiaDir, { recursive: true });
    mkdirSync(ownLogs, { recursive: true });
    const distPort = await freePort();
    const env = {
      HOME: dataDir, // the node's .erlang.cookie, one per run
      EJABBERD_CONFIG_PATH: this.configPath,
      // ejabberd's own (rotated) log files and error.log; everything it logs is also on its console,
      // which goes to <logDir>/ejabberd.log
      EJABBERD_LOG_PATH: join(ownLogs, "ejabberd.log"),
      EJABBERD_PID_PATH: join(dataDir, "ejabberd.pid"),
      ERL_CRASH_DUMP: join(ownLogs, "erl_crash.dump"),
      ERL_DIST_PORT: String(distPort),
      ERL_LIBS: erlLibs,
      ERL_MAX_PORTS: "32000",
      ERL_MAX_ETS_TABLES: "1400",
    };
    const args = [
      "-sname", ejabberdNodeName(dataDir),
      "+K", "true", "+P", "250000",
      "-env", "ERL_CRASH_DUMP_BYTES", "0",
      // distribution only on loopback, on a port of its own, without epmd
      "-kernel", "inet_dist_use_interface", "{127,0,0,1}",
      "-erl_epmd_port", String(distPort), "-start_epmd", "false",
      "-mnesia", "dir", `"${mnesiaDir}"`,
      "-s", "ejabberd",
      "-noinput",
    ];
    // in the Mnesia directory, as ejabberdctl does (nothing lands in the harness's working directory)
    return startProcess("/bin/sh", ["-c", 'cd "$0" && exec "$@"', mnesiaDir, erl, ...args], { env, logFile: this.logFile, group: true, name: "ejabberd" });
  }

  /** Why the server is not ready: exit code, its own complaint (a refused configuration), its last lines. */
  private async notReady(proc: ManagedProcess, url: string, index: number, timeoutMs: number, failure: string, logOffset: number): Promise<EnvironmentError> {
    const exited = !proc.isRunning();
    if (exited) await new Promise((r) => setTimeout(r, 300)); // its last output reaches the log file
    const printed = (await this.logs()).slice(logOffset);
    const lines = printed.trimEnd().split("\n").filter((l) => l.trim() !== "");
    const complaint = lines.filter((l) => /^Error: |\berror\b\t|\[critical\]|\[error\]|Failed to start/i.test(l)).slice(0, 4).map((l) => l.trim().replace(/^\d{4}-\d\d-\d\d[ T][\d:.]+(?:Z|[+-]\d\d:\d\d)? /, ""));
    const tail = lines.slice(-LOG_TAIL_LINES);
    const handshake = "an XMPP WebSocket handshake (upgrade with subprotocol xmpp, <open/>, <stream:features/>)";
    const config = `${this.configSource}${this.options.configFile ? ` (filled in as ${this.configPath})` : ""}`;
    let what: string;
    if (exited) {
      const how = proc.child.exitCode !== null ? `exit code ${proc.child.exitCode}` : `signal ${proc.child.signalCode}`;
      what = `${this.description} exited (${how}) before ${url} answered ${handshake}`;
      if (complaint.length) what += `; it refused its configuration ${config}: ${complaint.join(" | ")}`;
    } else {
      what = `${this.description} runs but ${url} did not answer ${handshake} within ${timeoutMs} ms (last: ${failure})`;
      if (index > 0) what += `; the first listener answers: the configuration ${config} must serve ${this.wsPath} on both ports`;
      else what += `; does the configuration ${config} listen on ${this.options.ports.map((p) => `127.0.0.1:${p}`).join(" and ")} at ${this.wsPath}?`;
      if (complaint.length) what += ` It logged: ${complaint.join(" | ")}`;
    }
    const message = `${what}${tail.length ? `; last lines of ${this.logFile}:\n    ${tail.join("\n    ")}` : `; it printed nothing (${this.logFile})`}`;
    const fix = this.options.configFile
      ? `correct ${this.options.configFile}, or run without it to use the harness's configuration (${XMPP_SERVER_SPECS[this.kind].template})`
      : undefined;
    return new EnvironmentError(message, fix);
  }
}

/** Polls until `url` answers an XMPP handshake (null), or returns the last reason it did not. */
async function waitForXmpp(url: string, domain: string, timeoutMs: number, alive: () => boolean): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (!alive()) return "the server exited";
    try {
      await probeXmppWebSocket(url, domain, Math.min(PROBE_TIMEOUT_MS, Math.max(1, deadline - Date.now())));
      return null;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The node name of the ejabberd whose Mnesia lives in `dataDir`: made on first use, kept there. */
function ejabberdNodeName(dataDir: string): string {
  const file = join(dataDir, "node-name");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const name = `ejabberd_${randomBytes(6).toString("hex")}@localhost`;
  writeFileSync(file, `${name}\n`);
  return name;
}

/** erl and ERL_LIBS as the installed ejabberdctl has them (Debian: /usr/bin/erl, /usr/lib/<arch>). */
function ejabberdInstallation(): { erl: string; erlLibs: string } {
  const ctl = XMPP_SERVER_SPECS.ejabberd.launcher;
  const text = readFileSync(ctl, "utf8");
  const erl = /^ERL=["']?([^"'\n]+)["']?$/m.exec(text)?.[1] ?? "/usr/bin/erl";
  const erlLibs = /^ERL_LIBS=["']?([^"'\n]+)["']?$/m.exec(text)?.[1];
  if (!erlLibs) throw new EnvironmentError(`cannot find ERL_LIBS in ${ctl}: is it the ejabberd package's ejabberdctl?`, XMPP_SERVER_SPECS.ejabberd.installCommand);
  return { erl, erlLibs };
}
