// Latency percentiles as summary.json holds them (harness/analysis/percentiles.ts computes them).
import { z } from "zod";

const msOrNull = () => z.number().nullable();

export const percentilesSchema = z.strictObject({
  count: z.number().describe("delivered messages the percentiles are taken over"),
  p50: msOrNull(), p95: msOrNull(), p99: msOrNull(), max: msOrNull(),
}).meta({ id: "Percentiles", description: "milliseconds; null: no message was delivered" });
