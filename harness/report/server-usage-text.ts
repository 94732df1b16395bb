// The server under test's own CPU and memory in one line, for the text summary and the run page:
// "CPU peak 0.84 cores, mean 0.31 cores (52.1 CPU s); resident memory peak 61.3 MB; 74 one-second samples".
import type { ServerUsageFigures } from "../record/server-usage-sampler.ts";

/** Figures as summary.json holds them (every field optional: runs written before a figure existed). */
export type ServerUsageInput = { [K in keyof ServerUsageFigures]?: ServerUsageFigures[K] };

export function serverUsageText(u: ServerUsageInput): string {
  const down = u.readingsDown ? `; ${u.readingsDown} reading(s) while it was down` : "";
  if (!u.samples) return `not measured (${u.note ?? "no sample"})${down}`;
  const n = (v: number | null | undefined, digits: number) => (typeof v === "number" ? v.toFixed(digits) : "n/a");
  const rss = typeof u.rssMbPeak === "number" ? `${n(u.rssMbPeak, 1)} MB` : "not available";
  return `CPU peak ${n(u.cpuCoresPeak, 2)} cores, mean ${n(u.cpuCoresMean, 2)} cores (${n(u.cpuSeconds, 1)} CPU s); resident memory peak ${rss}; ${u.samples} one-second samples${down}`;
}
