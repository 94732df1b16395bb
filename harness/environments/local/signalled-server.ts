// What the relay-* faults do to a server under test that runs as a local child process (the
// reference relay, a relay command, an XMPP server): SIGTERM, SIGKILL, SIGSTOP and SIGCONT, to the
// process or its process group as it was started. A subclass starts `process`.
import type { ManagedProcess } from "./managed-process.ts";

export abstract class SignalledServer {
  protected process: ManagedProcess | null = null;
  protected paused = false;

  /** graceful: SIGTERM, wait for the exit (SIGKILL after 10 s); down until start() */
  async terminate(): Promise<void> {
    await this.resume();
    await this.process?.stop("SIGTERM");
  }

  async kill(): Promise<void> {
    await this.resume();
    await this.process?.stop("SIGKILL");
  }

  async pause(): Promise<void> {
    if (!this.process?.isRunning() || this.paused) return;
    this.process.signal("SIGSTOP");
    this.paused = true;
  }

  async resume(): Promise<void> {
    if (!this.paused) return;
    this.process?.signal("SIGCONT");
    this.paused = false;
  }

  async stop(): Promise<void> {
    await this.resume();
    await this.process?.stop("SIGTERM");
  }
}
