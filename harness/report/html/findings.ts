// The checkers' findings per message, from messages.jsonl in one streaming pass: counts of every
// kind, and the first FINDINGS_SHOWN affected message ids with the fault each is blamed on.
import { join } from "node:path";
import { forEachJsonLine } from "./json-lines-stream.ts";
import type { SummaryWindow } from "./report-input.ts";

export const FINDINGS_SHOWN = 1000;

export const FINDING_KINDS = ["lost after ack", "never acked", "duplicate", "decrypt failed", "rejected"] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Finding { id: string; kind: FindingKind; sentS: number; via: string | null; blamedOn: string }
export interface Findings { counts: Record<FindingKind, number>; total: number; shown: Finding[]; source: string }

export async function messageFindings(scenarioDir: string, origin: number, windows: SummaryWindow[]): Promise<Findings> {
  const counts = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
  const shown: Finding[] = [];
  let total = 0;
  const blame = blamer(windows);
  await forEachJsonLine(join(scenarioDir, "messages.jsonl"), (r) => {
    const deliveries = Array.isArray(r.deliveries) ? r.deliveries.length : 0;
    const kinds: FindingKind[] = [];
    if (r.ackedAt !== null && r.ackedAt !== undefined && deliveries === 0) kinds.push("lost after ack");
    if (r.ackedAt === null) kinds.push("never acked");
    if (deliveries > 1) kinds.push("duplicate");
    if (r.decryptFailed === true) kinds.push("decrypt failed");
    if (r.rejected !== null && r.rejected !== undefined) kinds.push("rejected");
    for (const kind of kinds) {
      counts[kind]++;
      total++;
      if (shown.length < FINDINGS_SHOWN) {
        const sentAt = r.sentAt as number;
        shown.push({ id: String(r.id), kind, sentS: Math.round((sentAt - origin) / 100) / 10, via: typeof r.sentVia === "string" ? r.sentVia : null, blamedOn: blame(sentAt) });
      }
    }
  });
  return { counts, total, shown, source: "messages.jsonl" };
}

/** A message sent while a fault was active is blamed on it; one sent after a heal, on the latest fault before it. */
function blamer(windows: SummaryWindow[]): (sentAt: number) => string {
  const named = windows
    .filter((w) => typeof w.injectedAt === "number")
    .map((w) => ({ from: w.injectedAt!, to: w.healedAt ?? Infinity, name: `#${w.entry} ${w.kind} ${w.target}` }))
    .sort((a, b) => a.from - b.from);
  return (sentAt) => {
    const during = named.find((w) => sentAt >= w.from && sentAt <= w.to);
    if (during) return during.name;
    const before = named.filter((w) => w.from <= sentAt).pop();
    return before ? `after ${before.name}` : "no fault (before the first)";
  };
}
