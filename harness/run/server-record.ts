// What the server under test recorded of a scenario, read once after k6 finished: its logs, its
// message journal (where it keeps one), its /metrics text, and what it keeps at rest.
import type { RelayControl } from "../environments/environment.ts";
import type { PrivacyCheckInput } from "../checks/privacy-check.ts";
import { readRelayRecord, type RelayRecord } from "../record/relay-journal.ts";

export interface ServerRecord {
  logs: string;
  journal: RelayRecord;
  metricsText: string;
}

export async function readServerRecord(relay: RelayControl): Promise<ServerRecord> {
  const logs = await relay.logs();
  const journal = await readRelayRecord(relay);
  const metricsText = await relay.metrics().catch(() => "");
  return { logs, journal, metricsText };
}

/**
 * What the server keeps at rest and wrote, for the privacy check: its data directory's files and its
 * logs (the log among them: it is not scanned a second time as text), read as the check scans them.
 * When they cannot be read, the check scans its log as text (and is unknown unless it finds something).
 */
export function serverAtRest(relay: RelayControl, server: ServerRecord): Pick<PrivacyCheckInput, "storedFiles" | "textsWhenStoredFilesUnread" | "extraTexts"> {
  return { storedFiles: relay.storedFiles(), textsWhenStoredFilesUnread: [{ name: "relay log", text: server.logs }], extraTexts: [{ name: "relay /metrics", text: server.metricsText }] };
}
