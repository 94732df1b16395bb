// Control over an XMPP server under test that runs as a container (RelayControl), as ContainerRelay
// controls the relay's: the relay-* faults crash, terminate, pause and resume the container; a start
// after a crash restarts the same container (same data) and waits for both listeners again on their
// new mapped ports. Like a local Prosody or ejabberd it has no /metrics and no journal.
import type { RelayControl } from "../environment.ts";
import { ContainerControl } from "./container-control.ts";
import { noJournal, noMetrics } from "../../targets/xmpp/xmpp-not-available.ts";
import type { StartedXmppContainer } from "./xmpp-container.ts";

export class ContainerXmppServer extends ContainerControl implements RelayControl {
  constructor(protected readonly container: StartedXmppContainer) {
    super(container);
  }

  get kind(): string {
    return this.container.kind;
  }

  /** ws://HOST:PORT/xmpp-websocket straight to listener `index` (no Toxiproxy); changes after a restart */
  url(index = 0): string {
    return this.container.wsUrl(index);
  }

  metrics(): Promise<string> {
    return noMetrics(this.kind, this.httpBase(), this.paused ? "paused" : this.down ? "down" : "up");
  }

  journal(): Promise<string> {
    return noJournal(this.kind, this.httpBase());
  }

  logs(): Promise<string> {
    return this.container.output();
  }

  /** Testcontainers' restart re-reads the mapped ports and waits for both listeners (the XMPP handshake) */
  protected async ready(): Promise<void> {}

  /** removes the container (its data with it) */
  async stop(): Promise<void> {
    await this.resume().catch(() => undefined);
    await this.container.stop({ timeout: 10_000 });
  }

  private httpBase(): string {
    try {
      return `http://${this.container.getHost()}:${this.container.hostPort(0)}`;
    } catch {
      return `http://${this.container.getHost()}`;
    }
  }
}
