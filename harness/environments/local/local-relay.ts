// The relay as a child process (`node dist/relay.mjs`), restarted on the same ports and store.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { httpGetBody } from "../http-get-text.ts";
import type { RelayControl } from "../environment.ts";
import { waitForHttp } from "../wait-for-http.ts";
import { startProcess, type ManagedProcess } from "./managed-process.ts";

export const RELAY_READY_TIMEOUT_MS = 120_000;

export interface LocalRelayOptions {
  bundle: string;
  ports: [number, number];
  dataDir: string;
  logDir: string;
  env: Record<string, string>;
  /** PEM files when the relay serves TLS */
  tls: { certFile: string; keyFile: string; cert: string } | null;
}

export class LocalRelay implements RelayControl {
  private process: ManagedProcess | null = null;
  private paused = false;

  constructor(private readonly options: LocalRelayOptions) {}

  get httpUrl(): string {
    return `${this.options.tls ? "https" : "http"}://127.0.0.1:${this.options.ports[0]}`;
  }

  metrics(): Promise<string> {
    return httpGetBody(`${this.httpUrl}/metrics`, { ca: this.options.tls?.cert });
  }

  async logs(): Promise<string> {
    return readFile(this.logFile, "utf8").catch(() => "");
  }

  private get logFile(): string {
    return join(this.options.logDir, "relay.log");
  }

  async start(): Promise<void> {
    if (this.process?.isRunning()) return;
    const { ports, dataDir } = this.options;
    const proc = startProcess(process.execPath, [this.options.bundle], {
      env: {
        RELAY_LISTEN: ports.map((p) => `127.0.0.1:${p}`).join(","), RELAY_DATA_DIR: dataDir, ...this.options.env,
        ...(this.options.tls ? { RELAY_TLS_CERT: this.options.tls.certFile, RELAY_TLS_KEY: this.options.tls.keyFile } : {}),
      },
      logFile: this.logFile,
    });
    this.process = proc;
    await waitForHttp(`${this.httpUrl}/healthz`, "relay", { timeoutMs: RELAY_READY_TIMEOUT_MS, alive: () => proc.isRunning(), ca: this.options.tls?.cert });
  }

  async restart(): Promise<void> {
    await this.resume();
    await this.process?.stop("SIGTERM");
    await this.start();
  }

  async kill(): Promise<void> {
    await this.resume();
    await this.process?.stop("SIGKILL");
  }

  async pause(): Promise<void> {
    if (!this.process?.isRunning() || this.paused) return;
    this.process.child.kill("SIGSTOP");
    this.paused = true;
  }

  async resume(): Promise<void> {
    if (!this.paused) return;
    this.process?.child.kill("SIGCONT");
    this.paused = false;
  }

  async stop(): Promise<void> {
    await this.resume();
    await this.process?.stop("SIGTERM");
  }
}
