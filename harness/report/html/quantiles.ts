// Nearest-rank percentiles of one second's latencies (the same rule as harness/analysis/percentiles.ts).
export function quantiles(values: number[], ps: number[]): (number | null)[] {
  if (values.length === 0) return ps.map(() => null);
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);
}
