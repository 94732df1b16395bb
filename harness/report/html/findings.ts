// The message checkers' findings as the run recorded them (summary.json's checks: details.count and
// details.ids, each id with the fault the checker blamed it on), with each shown message's times read
// from messages.jsonl in one streaming pass: when it was sent, over which path, and for a corrupted
// message whose copy arrived altered, when that copy arrived. Nothing is judged or blamed here.
import { join } from "node:path";
import { forEachJsonLine } from "./json-lines-stream.ts";

export const FINDINGS_SHOWN = 1000;

export interface Finding {
  id: string;
  /** the checker that flagged it ("lost", "corrupted", "redelivered-on-wire", ...) */
  kind: string;
  sentS: number | null;
  /** when its altered copy arrived (corrupted by an altered copy), s since the start; null otherwise */
  alteredS: number | null;
  via: string | null;
  blamedOn: string;
}
/** null: the run predates the message checkers, and its findings were never recorded per message */
export interface Findings { counts: Record<string, number>; total: number; shown: Finding[]; source: string }

export async function checkerFindings(checks: { name: string; details?: Record<string, unknown> }[], idsFile: string, scenarioDir: string, origin: number): Promise<Findings | null> {
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
      shown.push({ id: String(entry.id), kind: c.name, sentS: null, alteredS: null, via: null, blamedOn: String(entry.fault ?? "none") });
    }
  }
  await addMessageTimes(shown, join(scenarioDir, "messages.jsonl"), origin);
  return { counts, total, shown, source: idsFile };
}

const ID_FIELD = /"id":"([^"]*)"/;

/** Fills each shown finding's send time, path and altered copy's time from its message record. */
async function addMessageTimes(shown: Finding[], messagesFile: string, origin: number): Promise<void> {
  if (shown.length === 0) return;
  const byId = new Map<string, Finding[]>();
  for (const f of shown) byId.set(f.id, [...(byId.get(f.id) ?? []), f]);
  const seconds = (t: unknown) => (typeof t === "number" ? Math.round((t - origin) / 100) / 10 : null);
  await forEachJsonLine(messagesFile, (r) => {
    for (const f of byId.get(String(r.id)) ?? []) {
      f.sentS = seconds(r.sentAt);
      f.via = typeof r.sentVia === "string" ? r.sentVia : null;
      if (f.kind === "corrupted" && Array.isArray(r.alteredAt)) f.alteredS = seconds(r.alteredAt[0]);
    }
  }, (line) => !byId.has(ID_FIELD.exec(line)?.[1] ?? ""));
}
