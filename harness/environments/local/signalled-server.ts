// What the relay-* faults do to a server under test that runs as a local child process (the
// reference relay, a relay command, an XMPP server): SIGTERM, SIGKILL, SIGSTOP and SIGCONT, to the
// process or its process group as it was started; and what the server uses, read from /proc for
// every process of that group. A subclass starts `process` and says what the server stores.
import type { ServerUsage, StoredFile } from "../environment.ts";
import { readProcessUsage } from "../../record/process-usage-sampler.ts";
import type { ManagedProcess } from "./managed-process.ts";
import { processGroupPids, processTreePids } from "./process-group.ts";

export abstract class SignalledServer {
  protected process: ManagedProcess | null = null;
  protected paused = false;

  /** its data directory's files and its logs (the privacy check reads them) */
  abstract storedFiles(): AsyncIterable<StoredFile>;

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

  /** the live processes of the server's process group (every child was started as a group leader) */
  pids(): number[] {
    const pgid = this.process?.child.pid;
    return pgid === undefined ? [] : processGroupPids(pgid);
  }

  /**
   * CPU seconds and resident memory of every process of the server, summed: its process group and
   * their descendants (a relay command through a shell; ejabberd's beam.smp, and erl_child_setup
   * with the port programs it starts, which run in a session of their own). The CPU of children
   * already exited is included (their parent's cutime/cstime). Frozen (paused) it still answers: no
   * CPU is a true figure. Null once no process of the group is left (killed, terminated, never started).
   */
  async usage(): Promise<ServerUsage | null> {
    const pgid = this.process?.child.pid;
    let cpuSeconds = 0;
    let rssMb: number | null = null;
    let read = 0;
    for (const pid of pgid === undefined ? [] : processTreePids(pgid)) {
      const usage = readProcessUsage(pid, { reapedChildren: true });
      if (!usage) continue; // exited between listing and reading
      read++;
      cpuSeconds += usage.cpuSeconds;
      if (usage.rssMb !== null) rssMb = (rssMb ?? 0) + usage.rssMb;
    }
    return read === 0 ? null : { cpuSeconds: round(cpuSeconds, 2), rssMb: rssMb === null ? null : round(rssMb, 1) };
  }
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
