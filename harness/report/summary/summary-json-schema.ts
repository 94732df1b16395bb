// The JSON Schema of summary.json, generated from the zod schema; shipped as reports/summary.schema.json.
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { runSummarySchema } from "./run-summary-schema.ts";

/** where the generated schema is shipped */
export const SHIPPED_SUMMARY_SCHEMA = fileURLToPath(new URL("../../../reports/summary.schema.json", import.meta.url));
export const REGENERATE_SUMMARY_SCHEMA = "npm run schema";

export function summaryJsonSchemaText(): string {
  return JSON.stringify(z.toJSONSchema(runSummarySchema, { target: "draft-2020-12", reused: "ref" }), null, 2) + "\n";
}
