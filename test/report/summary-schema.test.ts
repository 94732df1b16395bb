// summary.json has one schema (harness/report/summary/): the JSON Schema shipped in
// reports/summary.schema.json is the one it generates, and the schema refuses what a run does not write.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { REGENERATE_SUMMARY_SCHEMA, SHIPPED_SUMMARY_SCHEMA, summaryJsonSchemaText } from "../../harness/report/summary/summary-json-schema.ts";
import { summaryIssues } from "../../harness/report/summary/summary-issues.ts";

describe("the summary.json schema", () => {
  it("ships reports/summary.schema.json exactly as the zod schema generates it", () => {
    const shipped = readFileSync(SHIPPED_SUMMARY_SCHEMA, "utf8");
    expect(shipped === summaryJsonSchemaText(), `${SHIPPED_SUMMARY_SCHEMA} is out of date with harness/report/summary/: run \`${REGENERATE_SUMMARY_SCHEMA}\``).toBe(true);
  });

  it("names the path of every field a summary lacks, adds or mistypes", () => {
    const summary = {
      schemaVersion: 1, runId: "r1", status: "completed", startedAt: "2026-01-01T00:00:00.000Z", endedAt: "2026-01-01T00:01:00.000Z",
      suite: { name: "ci", source: "fixtures/suites/ci.json", description: "" }, command: [],
      environment: { kind: "local", reason: "flag", versions: { k6: "v2.2.0" } }, scenarios: [],
    };
    expect(summaryIssues(summary)).toEqual([]);
    expect(summaryIssues({ ...summary, status: "done", extra: 1, suite: { ...summary.suite, name: 7 } })).toEqual([
      'status: Invalid option: expected one of "completed"|"interrupted"|"failed"',
      "suite.name: Invalid input: expected string, received number",
      '(top): Unrecognized key: "extra"',
    ]);
    expect(summaryIssues({ ...summary, scenarios: [{ name: "steady" }] })[0]).toMatch(/^scenarios\[0\]\.scenario: /);
  });
});
