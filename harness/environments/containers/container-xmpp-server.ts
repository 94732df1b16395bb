// Control over an XMPP server under test that runs as a container (RelayControl), as ContainerRelay
// controls the relay's: the relay-* faults crash, terminate, pause and resume the container; a start
// after a crash restarts the same container (same data) and waits for both listeners again on their
// new mapped ports. Like a local Prosody or ejabberd it has no /metrics and no journal.
import type { RelayControl, ServerUsage, StoredFile } from "../environment.ts";
import { HttpStatusError } from "../http-get-text.ts";
import type { StartedXmppContainer } from "./xmpp-container.ts";

export class ContainerXmppServer implements RelayControl {
  private down = false;
  private paused = false;

  constructor(private readonly container: StartedXmppContainer) {}

  get kind(): string {
    return this.container.kind;
  }

  /** ws://HOST:PORT/xmpp-websocket straight to listener `index` (no Toxiproxy); changes after a restart */
  url(index = 0): string {
    return this.container.wsUrl(index);
  }

  metrics(): Promise<string> {
    // up but without the endpoint (HttpStatusError) vs down, as the relay sampler tells them apart
    if (this.down || this.paused) return Promise.reject(new Error(`${this.kind} is ${this.paused ? "paused" : "not running"}`));
    return Promise.reject(withMessage(new HttpStatusError(this.httpUrl("/metrics"), 404), `${this.kind} has no /metrics endpoint: its figures (connections, queue depth, CPU, memory) are not available from it`));
  }

  journal(): Promise<string> {
    return Promise.reject(withMessage(new HttpStatusError(this.httpUrl("/journal"), 404), `${this.kind} keeps no message journal (GET /journal answers HTTP 404): the checkers go by the clients' records alone`));
  }

  logs(): Promise<string> {
    return this.container.output();
  }

  /** the container's CPU and memory (the engine's stats); null while it is down */
  async usage(): Promise<ServerUsage | null> {
    return this.down ? null : this.container.usage().catch(() => null);
  }

  storedFiles(): Promise<StoredFile[]> {
    return this.container.storedFiles();
  }

  async terminate(): Promise<void> {
    await this.resume();
    await this.container.terminate();
    this.down = true;
  }

  async kill(): Promise<void> {
    await this.resume();
    await this.container.kill();
    this.down = true;
  }

  /** restarts the stopped container; Testcontainers re-reads the mapped ports and waits for both listeners (the XMPP handshake) */
  async start(): Promise<void> {
    if (!this.down) return;
    await this.container.restart();
    this.down = false;
  }

  async pause(): Promise<void> {
    if (this.paused || this.down) return;
    await this.container.pause();
    this.paused = true;
  }

  async resume(): Promise<void> {
    if (!this.paused) return;
    await this.container.unpause();
    this.paused = false;
  }

  /** removes the container (its data with it) */
  async stop(): Promise<void> {
    await this.resume().catch(() => undefined);
    await this.container.stop({ timeout: 10_000 });
  }

  private httpUrl(path: string): string {
    try {
      return `http://${this.container.getHost()}:${this.container.hostPort(0)}${path}`;
    } catch {
      return `http://${this.container.getHost()}${path}`;
    }
  }
}

function withMessage<E extends Error>(error: E, message: string): E {
  error.message = message;
  return error;
}
