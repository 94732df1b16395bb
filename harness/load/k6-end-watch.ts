// The last guard of a scenario: k6 must end by the scenario's end plus its own slack. A VU ends
// only once every WebSocket it closed has been closed by the server too (k6 v2.2.0 waits for the
// server's answer to a close frame without a deadline, even past maxDuration), so a server that
// never answers holds k6 forever. Past the deadline the harness stops k6 and says what it held.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** Slack past the scenario's last second: k6's own connect slack (30 s), gracefulStop (5 s), summary. */
export const K6_END_SLACK_MS = 60_000;

export interface K6Overrun {
  /** how long after the scenario's end k6 was stopped, ms */
  afterEndMs: number;
  /** TCP connections k6 still held open then (null: /proc not readable) */
  openSockets: number | null;
}

/** Calls `onOverrun` once if k6 is still running `K6_END_SLACK_MS` after `scenarioEndsAt`; returns a cancel. */
export function watchK6End(pid: number | undefined, scenarioEndsAt: number, onOverrun: (overrun: K6Overrun) => void): () => void {
  const timer = setTimeout(() => onOverrun({ afterEndMs: Date.now() - scenarioEndsAt, openSockets: pid === undefined ? null : socketCount(pid) }), Math.max(0, scenarioEndsAt + K6_END_SLACK_MS - Date.now()));
  return () => clearTimeout(timer);
}

export function describeOverrun(o: K6Overrun): string {
  const held = o.openSockets === null ? "" : `, holding ${o.openSockets} open TCP connection(s)`;
  return `k6 was still running ${Math.round(o.afterEndMs / 1000)} s after the scenario's end${held}, and was stopped: a k6 VU ends only once the server has answered every WebSocket close it sent, so the server left connections open without answering (the records up to then are analysed)`;
}

/** TCP connections the process holds open (ESTABLISHED), from its descriptors and /proc/<pid>/net/tcp{,6}. */
function socketCount(pid: number): number | null {
  try {
    const inodes = new Set<string>();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]);
      } catch {
        // closed meanwhile
      }
    }
    let established = 0;
    for (const table of ["tcp", "tcp6"]) {
      // "sl local rem st tx:rx tr:when retrnsmt uid timeout inode": state 01 is ESTABLISHED
      for (const line of readFileSync(`/proc/${pid}/net/${table}`, "utf8").split("\n").slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields[3] === "01" && inodes.has(fields[9])) established++;
      }
    }
    return established;
  } catch {
    return null;
  }
}
