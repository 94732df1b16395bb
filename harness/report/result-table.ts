// The short table printed at the end of a run.
import { saturationLines, type GeneratorSaturation } from "../analysis/generator-saturation.ts";
import type { ScenarioResult } from "./summary/scenario-result-schema.ts";
import { describeTarget } from "../targets/target.ts";
import { serverUsageText } from "./server-usage-text.ts";

const ms = (v: number | null) => (v === null ? "-" : `${Math.round(v)}ms`);

export function resultTable(results: ScenarioResult[]): string {
  const header = ["scenario", "status", "sent", "acked", "delivered", "lost after ack", "never acked", "dups", "decrypt fail", "p50", "p95", "p99", "drops", "failovers", "generator"];
  const rows = results.map((r) => {
    const m = r.figures.messages;
    const l = r.figures.deliveryLatencyMs;
    return [r.name, r.status, m.sent, m.acked, m.delivered, m.lostAfterAck, m.neverAcked, m.duplicates, m.decryptFailures, ms(l.p50), ms(l.p95), ms(l.p99), r.figures.connections.drops, r.figures.connections.failovers, generatorCell(r.generator)].map(String);
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  const windows = results.flatMap((r) => r.figures.windows.map((w) => {
    const d = w.during?.latencyMs;
    const a = w.after?.latencyMs;
    const rec = w.recovery.recovery;
    const ttr = rec.recovered ? `recovered ${ms(rec.ttrMs)} after the ${w.recovery.reference}` : "not recovered before sending ended";
    return `  ${r.name} timeline[${w.entry}] ${w.kind}@${w.target}: p95 before ${ms(w.before.latencyMs.p95)}, during ${ms(d?.p95 ?? null)}, after ${ms(a?.p95 ?? null)}; ${ttr}`;
  }));
  const checks = results.flatMap((r) => r.checks.filter((c) => "count" in c.details).map((c) => {
    const d = c.details as { count: number; checked: number; byFault: Record<string, number>; ids: { id: string }[]; relaySays?: Record<string, number> | string; sentWhileGeneratorSaturated?: number };
    const blame = Object.entries(d.byFault).map(([fault, n]) => `${n} ${fault}`).join(", ");
    const ids = d.ids.slice(0, 5).map((x) => x.id).join(" ");
    const relay = d.count > 0 && typeof d.relaySays === "object" ? `; the relay's journal says ${Object.entries(d.relaySays).map(([says, n]) => `${n} "${says}"`).join(", ")}` : "";
    const saturated = d.sentWhileGeneratorSaturated ? `; ${d.sentWhileGeneratorSaturated} sent while the load generator was saturated` : "";
    return `  ${r.name} ${c.name}: ${c.status.toUpperCase()} ${d.count} of ${d.checked}${blame ? ` (${blame})` : ""}${relay}${saturated}${ids ? `: ${ids}${d.count > 5 ? " ..." : ""}` : ""}`;
  }));
  const unprovoked = results.flatMap((r) => {
    const d = r.figures.connections.dropsWithoutFault;
    if (!d || d.count === 0) return [];
    const where = Object.entries(d.byPath).map(([path, n]) => `${n} on ${path}`).join(", ");
    const why = Object.entries(d.byReason).map(([reason, n]) => `${n} "${reason}"`).join(", ");
    return [`  ${r.name}: ${d.count} of ${r.figures.connections.drops} drops with no fault on their path (${where}); the clients' reasons: ${why}`];
  });
  const server = results.filter((r) => r.server).map((r) => `  ${r.name}: ${serverUsageText(r.server.usage)}`);
  const generator = results.flatMap((r) => (r.generator.measured ? saturationLines(r.name, r.generator) : [`  ${r.name}: load generator not measured (${r.generator.note}): whether k6 kept up is unknown`]));
  return [
    line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line),
    ...(windows.length ? ["", "fault windows (delivery latency of messages sent in each window, time to recover):", ...windows] : []),
    ...(unprovoked.length ? ["", "connections dropped where no fault was in force (the server's doing, or the network's outside the timeline):", ...unprovoked] : []),
    ...(checks.length ? ["", "message checks (count of messages checked; blamed fault; first ids, all in <scenario>/checks.json):", ...checks] : []),
    ...(server.length ? ["", `server under test (${serverNames(results)}), its own CPU and memory (its processes from /proc, or its container's stats), once a second:`, ...server] : []),
    ...(generator.length ? ["", "load generator (k6) saturation (times from the k6 scenario's start):", ...generator] : []),
  ].join("\n");
}

function serverNames(results: ScenarioResult[]): string {
  return [...new Set(results.map((r) => describeTarget(r.target)))].join("; ");
}

/** SATURATED only when a span overlaps the measured window; one in warm-up is listed below the table. */
function generatorCell(g: GeneratorSaturation): string {
  return !g.measured ? "unknown" : g.inMeasuredWindow ? "SATURATED" : "ok";
}
