// RelayControl of a server under test in a container (ContainerRelay, ContainerXmppServer): crash,
// terminate, pause and resume act on the container; a start after a crash restarts the same
// container (same data), then waits as the server's kind needs. While it is down it has no usage.
import type { RelayControl, ServerUsage, StoredFile } from "../environment.ts";
import type { StartedServerContainer } from "./started-server-container.ts";

export abstract class ContainerControl implements Pick<RelayControl, "terminate" | "kill" | "start" | "pause" | "resume" | "usage" | "storedFiles"> {
  protected down = false;
  protected paused = false;

  constructor(protected readonly container: StartedServerContainer & { storedFiles(): AsyncIterable<StoredFile> }) {}

  /** what a restarted container must do before it counts as up (both listeners answer, say) */
  protected abstract ready(): Promise<void>;

  /** the container's CPU and memory (the engine's stats); null while it is down */
  async usage(): Promise<ServerUsage | null> {
    return this.down ? null : this.container.usage().catch(() => null);
  }

  /** its data directory and logs (a stopped container can be read too) */
  storedFiles(): AsyncIterable<StoredFile> {
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

  async start(): Promise<void> {
    if (!this.down) return;
    await this.container.restart();
    this.down = false;
    await this.ready();
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
}
