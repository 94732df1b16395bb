// What a running environment offers the rest of the harness, whichever way it was started
// (containers through Testcontainers, or local child processes).
import type { Toxiproxy } from "toxiproxy-node-client";
import type { TargetIdentity } from "../targets/target.ts";

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
}

export interface Environment {
  kind: EnvironmentKind;
  /** component -> version, recorded in summary.json */
  versions: Record<string, string>;
  /** the server under test and its version (also in versions) */
  target: TargetIdentity;
  paths: NetworkPath[];
  /** the Toxiproxy server that holds a path's proxy (the local environment spreads them over two) */
  toxiproxyFor(path: string): Toxiproxy;
  relay: RelayControl;
  /** removes every toxic and re-enables every proxy, on every Toxiproxy server */
  resetNetwork(): Promise<void>;
  /** stops everything this environment started; safe to call twice */
  stop(): Promise<void>;
}
