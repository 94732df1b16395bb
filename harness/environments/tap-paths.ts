// Puts a traffic tap in front of some network paths of a running environment: the returned
// environment hands out the taps' URLs for those paths and delegates everything else.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Environment, NetworkPath } from "./environment.ts";
import { TrafficTap } from "./traffic-tap.ts";

export interface PathCapture { path: string; file: string }

export interface TappedEnvironment extends Environment {
  /** one capture file per tapped path */
  captures(): PathCapture[];
  /** waits until everything the taps recorded so far is in the capture files */
  flushCaptures(): Promise<void>;
}

const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost"]);

/** Taps every path `which` selects; captures land in `dir` as `<path>.tap`. stop() stops the taps, then `env`. */
export async function tapPaths(env: Environment, which: (p: NetworkPath) => boolean, dir: string): Promise<TappedEnvironment> {
  mkdirSync(dir, { recursive: true });
  const taps: { path: string; tap: TrafficTap }[] = [];
  const paths: NetworkPath[] = [];
  try {
    for (const path of env.paths) {
      if (!which(path)) {
        paths.push(path);
        continue;
      }
      const tap = await TrafficTap.start({ name: path.name, file: join(dir, `${path.name}.tap`), upstream: () => upstreamOf(env.paths.find((p) => p.name === path.name) ?? path) });
      taps.push({ path: path.name, tap });
      paths.push({ ...path, url: tappedUrl(path.url, tap.port) });
    }
  } catch (error) {
    await Promise.all(taps.map((t) => t.tap.stop()));
    throw error;
  }
  const stopTaps = () => Promise.all(taps.map((t) => t.tap.stop()));
  return {
    get kind() { return env.kind; },
    get versions() { return env.versions; },
    get target() { return env.target; },
    get network() { return env.network; },
    get relay() { return env.relay; },
    paths,
    stop: async () => {
      try {
        await stopTaps();
      } finally {
        await env.stop();
      }
    },
    captures: () => taps.map((t) => ({ path: t.path, file: t.tap.file })),
    flushCaptures: async () => {
      await Promise.all(taps.map((t) => t.tap.flush()));
    },
  };
}

function upstreamOf(path: NetworkPath): { host: string; port: number } {
  const url = new URL(path.url);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return { host, port: Number(url.port || (url.protocol === "wss:" ? 443 : 80)) };
}

/** Same scheme and path; the tap's port, on the loopback name the path used (so TLS names still match). */
function tappedUrl(original: string, port: number): string {
  const url = new URL(original);
  if (!LOOPBACK_NAMES.has(url.hostname)) url.hostname = "127.0.0.1";
  url.port = String(port);
  return url.toString();
}
