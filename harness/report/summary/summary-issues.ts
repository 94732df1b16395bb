// What in a summary.json does not match the schema, one line per issue with its path
// ("scenarios[0].figures.messages.sent: expected number, received undefined"); empty when it matches.
import { runSummarySchema } from "./run-summary-schema.ts";

export function summaryIssues(value: unknown): string[] {
  const parsed = runSummarySchema.safeParse(value);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => `${i.path.reduce<string>((at, k) => (typeof k === "number" ? `${at}[${k}]` : at ? `${at}.${String(k)}` : String(k)), "") || "(top)"}: ${i.message}`);
}
