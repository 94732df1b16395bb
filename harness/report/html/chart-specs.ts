// The time-series charts every scenario gets, in page order: title, y axis with its unit, series.
import { PATHS } from "./scenario-series.ts";

export interface ChartSpec { id: string; title: string; yLabel: string; series: string[] }

export const CHART_SPECS: ChartSpec[] = [
  { id: "messages", title: "Messages sent and delivered per second", yLabel: "messages / s", series: ["sent", "delivered"] },
  { id: "latency", title: "Delivery latency by second of sending", yLabel: "latency (ms)", series: ["latency p50", "latency p95", "latency p99"] },
  { id: "users", title: "Connected users, in total and per network path", yLabel: "users", series: ["connected", ...PATHS.map((p) => `connected ${p}`)] },
  { id: "connections", title: "Reconnects, failovers and connection attempts per second", yLabel: "events / s", series: ["reconnects", "failovers", "connection attempts"] },
  { id: "queue", title: "Relay queue depth", yLabel: "queued messages", series: ["relay queue depth"] },
  // "server": the server under test's own processes or container, any target; "relay": the relay's own /metrics
  { id: "cpu", title: "CPU: server under test, relay (its /metrics) and load generator (k6)", yLabel: "CPU (% of one core)", series: ["server CPU", "relay CPU", "k6 CPU"] },
  { id: "memory", title: "Memory: server under test, relay (its /metrics) and load generator (k6)", yLabel: "resident memory (MB)", series: ["server memory", "relay memory", "k6 memory"] },
];
