// The relay as a child process, restarted on the same ports and store: the reference relay
// (`node dist/relay.mjs`) or a relay under test (the user's command, run through /bin/sh; its
// signals go to the command's whole process group, so a shell in between changes nothing).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { EnvironmentError } from "../../errors.ts";
import { httpGetBody } from "../http-get-text.ts";
import type { RelayControl, StoredFile } from "../environment.ts";
import { relayContractEnv } from "../relay-contract-env.ts";
import { waitForHttp } from "../wait-for-http.ts";
import { directoryFiles, storedFile } from "./directory-files.ts";
import { SignalledServer } from "./signalled-server.ts";
import { startProcess, type ManagedProcess } from "./managed-process.ts";

export const RELAY_READY_TIMEOUT_MS = 120_000;
/** once the first listener answers, how long the others may take */
const OTHER_LISTENERS_TIMEOUT_MS = 10_000;
const LOG_TAIL_LINES = 12;

/** How the relay process starts: the reference bundle with this node, or a shell command. */
export type RelayLaunch = { kind: "bundle"; bundle: string } | { kind: "command"; command: string; source: string };

export interface LocalRelayOptions {
  launch: RelayLaunch;
  ports: [number, number];
  dataDir: string;
  logDir: string;
  env: Record<string, string>;
  /** PEM files when the relay serves TLS */
  tls: { certFile: string; keyFile: string; cert: string } | null;
}

export class LocalRelay extends SignalledServer implements RelayControl {

  constructor(private readonly options: LocalRelayOptions) {
    super();
  }

  get httpUrl(): string {
    return this.listenerUrl(0);
  }

  /** what this relay is called in messages */
  get description(): string {
    const { launch } = this.options;
    return launch.kind === "bundle" ? "relay" : `relay command ${JSON.stringify(launch.command)} (${launch.source})`;
  }

  metrics(): Promise<string> {
    return httpGetBody(`${this.httpUrl}/metrics`, { ca: this.options.tls?.cert });
  }

  async logs(): Promise<string> {
    return readFile(this.logFile, "utf8").catch(() => "");
  }

  journal(): Promise<string> {
    return httpGetBody(`${this.httpUrl}/journal`, { ca: this.options.tls?.cert, timeoutMs: 10_000 });
  }

  /** every file of its data directory ("relay data: journal.jsonl") and its log ("relay log: relay.log") */
  async *storedFiles(): AsyncGenerator<StoredFile> {
    yield* directoryFiles(this.options.dataDir, "relay data: ");
    yield* storedFile(this.logFile, "relay log: relay.log");
  }

  private get logFile(): string {
    return join(this.options.logDir, "relay.log");
  }

  private listenerUrl(index: number): string {
    return `${this.options.tls ? "https" : "http"}://127.0.0.1:${this.options.ports[index]}`;
  }

  async start(): Promise<void> {
    if (this.process?.isRunning()) return;
    const { ports, dataDir, launch } = this.options;
    const env = { ...relayContractEnv(ports.map((port) => ({ host: "127.0.0.1", port })), dataDir, this.options.tls), ...this.options.env };
    const proc = launch.kind === "bundle"
      ? startProcess(process.execPath, [launch.bundle], { env, logFile: this.logFile, name: "relay" })
      : startProcess("/bin/sh", ["-c", launch.command], { env, logFile: this.logFile, group: true, name: "relay command" });
    this.process = proc;
    // every listener must answer: each network path leads to one of them
    for (const [index] of ports.entries()) {
      const url = `${this.listenerUrl(index)}/healthz`;
      try {
        await waitForHttp(url, this.description, { timeoutMs: index === 0 ? RELAY_READY_TIMEOUT_MS : OTHER_LISTENERS_TIMEOUT_MS, alive: () => proc.isRunning(), ca: this.options.tls?.cert });
      } catch (error) {
        throw await this.notReady(proc, url, index, error as Error);
      }
    }
  }

  /** Why the relay is not ready, with its exit code and the last lines it printed. */
  private async notReady(proc: ManagedProcess, url: string, index: number, cause: Error): Promise<EnvironmentError> {
    const exited = !proc.isRunning();
    if (exited) await new Promise((r) => setTimeout(r, 300)); // its last output reaches the log file
    const what = exited
      ? `${this.description} exited (${proc.child.exitCode !== null ? `exit code ${proc.child.exitCode}` : `signal ${proc.child.signalCode}`}) before GET ${url} answered 200`
      : index > 0
        ? `${this.description} answers ${this.listenerUrl(0)}/healthz but not ${url} within ${OTHER_LISTENERS_TIMEOUT_MS} ms: a relay must serve every address in RELAY_LISTEN`
        : cause.message;
    const tail = (await this.logs()).trimEnd().split("\n").slice(-LOG_TAIL_LINES).filter((l) => l !== "");
    const message = `${what}${tail.length ? `; last lines of ${this.logFile}:\n    ${tail.join("\n    ")}` : `; it printed nothing (${this.logFile})`}`;
    return this.options.launch.kind === "command"
      ? new EnvironmentError(message, `a relay under test gets RELAY_LISTEN, RELAY_PORT, RELAY_PORT_2 and RELAY_DATA_DIR and must answer GET /healthz on every listener (fixtures/relay/PROTOCOL.md, "What a relay under test must implement")`)
      : new EnvironmentError(message);
  }
}
