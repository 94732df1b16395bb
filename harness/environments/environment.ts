// What a running environment offers the rest of the harness, whichever way it was started
// (containers through Testcontainers, or local child processes).
import type { TargetIdentity } from "../targets/target.ts";
import type { NetworkControl } from "./network-control.ts";

export type EnvironmentKind = "containers" | "local";

/** A network path from the clients to the relay: one Toxiproxy proxy. */
export interface NetworkPath {
  name: string;
  kind: "direct" | "proxy";
  /** the WebSocket URL clients dial */
  url: string;
}

/** Control over the relay (or the XMPP server in its place), process or container. */
export interface RelayControl {
  /** graceful: SIGTERM, wait for the exit (SIGKILL after 10 s); the relay stays down until start() */
  terminate(): Promise<void>;
  /** SIGKILL; the relay stays down until start() */
  kill(): Promise<void>;
  /** start after a kill or terminate (no-op when running) */
  start(): Promise<void>;
  /** freeze (SIGSTOP / container pause) and thaw; no-op when not frozen */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** the relay's /metrics (Prometheus text); rejects while it is down */
  metrics(): Promise<string>;
  /** everything the relay has printed (all its runs in this environment) */
  logs(): Promise<string>;
  /** the relay's message journal (GET /journal, JSON lines); rejects with HttpStatusError where it keeps none */
  journal(): Promise<string>;
  /**
   * CPU seconds used so far and resident memory of the server: every process of its process group
   * (from /proc), or its container (the engine's stats). Null while it is down or cannot be read.
   */
  usage(): Promise<ServerUsage | null>;
  /**
   * what the server keeps at rest and wrote: its data directory's files and its logs, for the
   * privacy check; handed out one at a time as they are read (a container's archive streams in).
   * Iterating rejects, naming the file, when one cannot be read.
   */
  storedFiles(): AsyncIterable<StoredFile>;
}

export interface ServerUsage {
  /** user + system CPU seconds since the server (this start of it) began */
  cpuSeconds: number;
  /** resident memory, MB (1024 * 1024 bytes); null when not readable */
  rssMb: number | null;
}

/**
 * One file the server wrote: `name` says where ("prosody data: store/localhost/offline/ab12.list"),
 * `size` its bytes when it was listed, chunks() its bytes in pieces as they are read. chunks() can
 * be read once, and only before the next file is taken from storedFiles(); what is left unread is
 * skipped.
 */
export interface StoredFile {
  name: string;
  size: number;
  chunks(): AsyncIterable<Uint8Array>;
}

export interface Environment {
  kind: EnvironmentKind;
  /** component -> version, recorded in summary.json */
  versions: Record<string, string>;
  /** the server under test and its version (also in versions) */
  target: TargetIdentity;
  paths: NetworkPath[];
  /** toxics and enabled/disabled paths, whichever Toxiproxy server holds a path */
  network: NetworkControl;
  relay: RelayControl;
  /** stops everything this environment started; safe to call twice */
  stop(): Promise<void>;
}
