// One scenario's recorded files aggregated into per-second series (x: seconds since the scenario's
// start), in one streaming pass per file: what the charts draw. Raw records never reach the page.
import { join } from "node:path";
import { forEachJsonLine } from "./json-lines-stream.ts";
import { quantiles } from "./quantiles.ts";

export const PATHS = ["direct-a", "direct-b", "proxy-1", "proxy-2"] as const;

/** Column name -> one value per second (null: nothing measured in that second). */
export type Series = Record<string, (number | null)[]>;

export interface ScenarioSeries {
  /** ms since the epoch of second 0 */
  origin: number;
  seconds: number;
  series: Series;
}

export async function scenarioSeries(scenarioDir: string, origin: number | null, end: number | null): Promise<ScenarioSeries> {
  const grow = new Growing();
  let t0 = origin;
  const at = (t: number) => Math.floor((t - t0!) / 1000);
  // client records: messages, latency, connections
  const latencies: number[][] = [];
  const userPath = new Map<number, string>();
  const everReady = new Set<number>();
  const connected: Record<string, number> = Object.fromEntries(PATHS.map((p) => [p, 0]));
  let snapshotUpTo = 0;
  const snapshot = (upTo: number) => {
    for (; snapshotUpTo < upTo; snapshotUpTo++) {
      let total = 0;
      for (const p of Object.keys(connected)) {
        grow.set(`connected ${p}`, snapshotUpTo, connected[p]);
        total += connected[p];
      }
      grow.set("connected", snapshotUpTo, total);
    }
  };
  await forEachJsonLine(join(scenarioDir, "events.jsonl"), (r) => {
    const t = r.t as number;
    if (typeof t !== "number") return;
    if (t0 === null) t0 = t;
    const s = at(t);
    if (s < 0) return;
    switch (r.ev) {
      case "sent":
        grow.add("sent", s, 1);
        break;
      case "delivered":
        if (r.dup) break;
        grow.add("delivered", s, 1);
        if (typeof r.sentAt === "number") {
          const sentS = Math.max(0, at(r.sentAt));
          (latencies[sentS] ??= []).push(t - r.sentAt);
        }
        break;
      case "conn": {
        snapshot(s);
        const user = r.user as number;
        if (r.kind === "connecting") grow.add("connection attempts", s, 1);
        else if (r.kind === "failover") grow.add("failovers", s, 1);
        else if (r.kind === "ready") {
          if (everReady.has(user)) grow.add("reconnects", s, 1);
          everReady.add(user);
          const before = userPath.get(user);
          if (before !== undefined) connected[before]--;
          const ep = String(r.ep);
          connected[ep] = (connected[ep] ?? 0) + 1;
          userPath.set(user, ep);
        } else if (r.kind === "dropped") {
          const before = userPath.get(user);
          if (before !== undefined) connected[before]--;
          userPath.delete(user);
        }
        break;
      }
    }
  }, (line) => SKIPPED_EVENTS.some((prefix) => line.startsWith(prefix)));
  if (t0 === null) t0 = Date.now();
  const lastSecond = end !== null ? Math.max(at(end), grow.length - 1) : grow.length - 1;
  snapshot(lastSecond + 1);
  for (const [s, values] of latencies.entries()) {
    if (!values) continue;
    const [p50, p95, p99] = quantiles(values, [50, 95, 99]);
    grow.set("latency p50", s, p50);
    grow.set("latency p95", s, p95);
    grow.set("latency p99", s, p99);
  }
  // the relay's /metrics, sampled once a second
  let previous: { t: number; cpu: number } | null = null;
  await forEachJsonLine(join(scenarioDir, "relay-metrics.jsonl"), (r) => {
    const t = r.t as number;
    const s = at(t);
    if (s < 0 || r.up !== true) {
      previous = null;
      return;
    }
    if (typeof r.queueDepth === "number") grow.set("relay queue depth", s, r.queueDepth);
    if (typeof r.connections === "number") grow.set("relay connections", s, r.connections);
    if (typeof r.rssBytes === "number") grow.set("relay memory", s, round(r.rssBytes / 1048576, 1));
    if (typeof r.cpuSeconds === "number") {
      if (previous && t > previous.t && r.cpuSeconds >= previous.cpu) grow.set("relay CPU", s, round(((r.cpuSeconds - previous.cpu) * 100000) / (t - previous.t), 1));
      previous = { t, cpu: r.cpuSeconds };
    }
  });
  // the load generator (k6) from /proc
  await forEachJsonLine(join(scenarioDir, "generator.jsonl"), (r) => {
    const s = at(r.t as number);
    if (s < 0) return;
    if (typeof r.cpuCores === "number") grow.set("k6 CPU", s, round(r.cpuCores * 100, 1));
    if (typeof r.rssMb === "number") grow.set("k6 memory", s, round(r.rssMb, 1));
  });
  // the server under test's own processes or container (any target)
  await forEachJsonLine(join(scenarioDir, "server-usage.jsonl"), (r) => {
    const s = at(r.t as number);
    if (s < 0) return;
    if (typeof r.cpuCores === "number") grow.set("server CPU", s, round(r.cpuCores * 100, 1));
    if (typeof r.rssMb === "number") grow.set("server memory", s, round(r.rssMb, 1));
  });
  const seconds = Math.max(grow.length, lastSecond + 1);
  return { origin: t0, seconds, series: grow.columns(seconds, ["sent", "delivered", "connection attempts", "failovers", "reconnects"]) };
}

/** client records no chart uses, told by their first characters and never parsed */
const SKIPPED_EVENTS = ['{"ev":"acked"', '{"ev":"resent"', '{"ev":"lag"', '{"ev":"tally"'];

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Columns that grow as seconds appear; counters default to 0, gauges to null (not measured). */
class Growing {
  private readonly data = new Map<string, (number | null)[]>();
  length = 0;

  set(name: string, s: number, value: number | null): void {
    this.column(name)[s] = value;
    if (s + 1 > this.length) this.length = s + 1;
  }

  add(name: string, s: number, value: number): void {
    const column = this.column(name);
    column[s] = (column[s] ?? 0) + value;
    if (s + 1 > this.length) this.length = s + 1;
  }

  columns(seconds: number, counters: string[]): Series {
    const out: Series = {};
    for (const name of new Set([...counters, ...this.data.keys()])) {
      const column = this.data.get(name) ?? [];
      const zero = counters.includes(name) ? 0 : null;
      out[name] = Array.from({ length: seconds }, (_, i) => column[i] ?? zero);
    }
    return out;
  }

  private column(name: string): (number | null)[] {
    let column = this.data.get(name);
    if (!column) this.data.set(name, (column = []));
    return column;
  }
}
