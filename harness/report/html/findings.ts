// The checkers' findings per message, from messages.jsonl in one streaming pass: counts of every
// kind, and the first FINDINGS_SHOWN affected message ids with the fault each is blamed on.
import { join } from "node:path";
import { forEachJsonLine } from "./json-lines-stream.ts";
import type { SummaryWindow } from "./report-input.ts";

export const FINDINGS_SHOWN = 1000;

export const FINDING_KINDS = ["lost after ack", "never acked", "duplicate", "decrypt failed", "rejected"] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Finding { id: string; kind: string; sentS: number | null; via: string | null; blamedOn: string }
export interface Findings { counts: Record<string, number>; total: number; shown: Finding[]; source: string }

/**
 * The message checkers' own findings (summary.json's checks: details.count and details.ids, each id
 * with the fault it is blamed on), when the run has them; null for runs written before the checkers.
 */
export function checkerFindings(checks: { name: string; details?: Record<string, unknown> }[], idsFile: string): Findings | null {
  const withIds = checks.filter((c) => Array.isArray(c.details?.ids) && typeof c.details?.count === "number");
  if (withIds.length === 0) return null;
  const counts: Record<string, number> = {};
  const shown: Finding[] = [];
  let total = 0;
  for (const c of withIds) {
    counts[c.name] = c.details!.count as number;
    total += counts[c.name];
    for (const entry of c.details!.ids as { id?: unknown; fault?: unknown }[]) {
      if (shown.length >= FINDINGS_SHOWN) break;
      shown.push({ id: String(entry.id), kind: c.name, sentS: null, via: null, blamedOn: String(entry.fault ?? "none") });
    }
  }
  return { counts, total, shown, source: idsFile };
}

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
  }, unremarkable);
  return { counts, total, shown, source: join(scenarioDir.split("/").pop() ?? "", "messages.jsonl") };
}

/** The common record, told from its text without parsing: acknowledged, delivered once, decrypted, not refused. */
const ONE_DELIVERY = /"deliveries":\[\d+\]/;
function unremarkable(line: string): boolean {
  return line.includes('"decryptFailed":false') && line.includes('"rejected":null') && !line.includes('"ackedAt":null') && ONE_DELIVERY.test(line);
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
