// The short table printed at the end of a run.
import type { ScenarioResult } from "../run/run-scenario.ts";

const ms = (v: number | null) => (v === null ? "-" : `${Math.round(v)}ms`);

export function resultTable(results: ScenarioResult[]): string {
  const header = ["scenario", "status", "sent", "acked", "delivered", "lost after ack", "never acked", "dups", "decrypt fail", "p50", "p95", "p99", "drops", "failovers"];
  const rows = results.map((r) => {
    const m = r.figures.messages;
    const l = r.figures.deliveryLatencyMs;
    return [r.name, r.status, m.sent, m.acked, m.delivered, m.lostAfterAck, m.neverAcked, m.duplicates, m.decryptFailures, ms(l.p50), ms(l.p95), ms(l.p99), r.figures.connections.drops, r.figures.connections.failovers].map(String);
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
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), ...(windows.length ? ["", "fault windows (delivery latency of messages sent in each window, time to recover):", ...windows] : [])].join("\n");
}
