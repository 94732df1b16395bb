// `npm run schema`: writes reports/summary.schema.json from the zod schema of summary.json.
import { writeFileSync } from "node:fs";
import { SHIPPED_SUMMARY_SCHEMA, summaryJsonSchemaText } from "./summary-json-schema.ts";

writeFileSync(SHIPPED_SUMMARY_SCHEMA, summaryJsonSchemaText());
console.log(`wrote ${SHIPPED_SUMMARY_SCHEMA}`);
