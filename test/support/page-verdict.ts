// The verdict a run's page shows (index.html's verdict table and banner, read from the written file)
// against the verdict the gate gave (verdict.json), row for row: the page judges nothing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

interface RecordedVerdict {
  status: string;
  judgements: { scenario: string; source: string; name: string; status: string; measured: string | null; limit: string | null; details: { count?: number } }[];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" };
const text = (html: string) => html.replace(/<[^>]*>/g, "").replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, e: string) => ENTITIES[e]!);

/** The rows of the page's verdict table, each as its cells' text. */
export function pageVerdictRows(indexHtml: string): string[][] {
  const table = /<table id="verdict-table">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(indexHtml);
  if (!table) throw new Error("the page has no verdict table");
  return [...table[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => text(cell[1]!)));
}

/** Asserts the run folder's page shows verdict.json's judgements row for row; returns verdict.json. */
export function expectPageShowsVerdict(runDir: string): RecordedVerdict {
  const verdict = JSON.parse(readFileSync(join(runDir, "verdict.json"), "utf8")) as RecordedVerdict;
  // a checker that passed while flagging messages only reports them: shown with its count
  const shown = (j: RecordedVerdict["judgements"][number]) => (j.status === "pass" && (j.details.count ?? 0) > 0 ? `reported (${j.details.count})` : j.status);
  const page = readFileSync(join(runDir, "index.html"), "utf8");
  expect(pageVerdictRows(page), `${runDir}/index.html against its verdict.json`).toEqual(verdict.judgements.map((j) => [j.scenario, j.source, j.name, shown(j), j.measured ?? "", j.limit ?? ""]));
  expect(/id="overall-verdict">([^<]*)</.exec(page)?.[1], `${runDir}/index.html: the banner`).toBe(verdict.status);
  return verdict;
}
