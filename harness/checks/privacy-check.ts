// The privacy check: nothing a party in the middle could see (a proxy's captured bytes, the
// relay's metrics) nor anything the server keeps or wrote (every file of its data directory, binary
// stores included, and its logs) may hold a plaintext canary `CANARY-<runId>-<messageId>` or any
// private key of the run's population. Captures and stored files are read as streams and every byte is
// looked at a fixed number of times (one rolling hash over all patterns), so the time is linear in the
// bytes and the memory does not grow with the capture or the store.
//
// The parts: what to look for (privacy-patterns.ts), the matcher (pattern-scanner.ts), reading a
// capture (capture-scan.ts) and the stored files (stored-file-scan.ts), what a finding says
// (privacy-finding.ts). Here: the verdict.
import type { CryptoMode } from "../../scenarios/lib/scenario-settings.ts";
import type { Population } from "../../scenarios/lib/population.ts";
import type { StoredFile } from "../environments/environment.ts";
import { utf8 } from "../protocol/bytes.ts";
import { scanCapture, type CaptureSummary } from "./capture-scan.ts";
import { runCheck, type CheckResult } from "./check-result.ts";
import { PatternIndex, StreamScanner } from "./pattern-scanner.ts";
import { describeFinding, findingKey, findingOf, type Finding } from "./privacy-finding.ts";
import { buildPatterns, countKeys } from "./privacy-patterns.ts";
import { scanStoredFiles } from "./stored-file-scan.ts";

export type { Finding } from "./privacy-finding.ts";

export interface PrivacyCheckInput {
  runId: string;
  population: Pick<Population, "members">;
  /** capture files written by traffic taps (or `{ path, file }` from TappedEnvironment.captures()) */
  captures: (string | { path: string; file: string })[];
  /** other things a party in the middle sees: the relay's /metrics text, ... */
  extraTexts?: { name: string; text: string }[];
  /** what the server keeps at rest and wrote (RelayControl.storedFiles()): scanned as bytes, each file on its own, as it is read */
  storedFiles?: AsyncIterable<StoredFile> | Iterable<StoredFile>;
  /** why the server's stored files could not be read (or why reading them stopped): the check is then unknown unless it finds something */
  storedFilesError?: string;
  /** scanned as texts when the stored files cannot be read: the server's log, say */
  textsWhenStoredFilesUnread?: { name: string; text: string }[];
}

const MAX_FINDINGS_LISTED = 200;
/** stored files listed one by one in the details (a large population's store holds several per user); all are in storedByDirectory */
const MAX_STORED_FILES_LISTED = 1000;

/**
 * The privacy result when the crypto mode leaves nothing to check, or undefined when the check
 * applies: crypto mode `opaque` sends random bytes (no plaintext, no ciphertext, no keys in use),
 * so a clean capture would prove nothing and the result is unknown, not pass.
 */
export function privacyNotApplicable(cryptoMode: CryptoMode): CheckResult | undefined {
  if (cryptoMode !== "opaque") return undefined;
  return { name: "privacy", status: "unknown", details: { notApplicable: "crypto mode opaque sends random bytes, no plaintext or ciphertext to check" } };
}

export function privacyCheck(input: PrivacyCheckInput): Promise<CheckResult> {
  return runCheck("privacy", async () => {
    const patterns = buildPatterns(input.runId, input.population);
    const index = new PatternIndex(patterns);
    const findings = new Map<string, Finding>();
    const report = (finding: Finding) => {
      const key = findingKey(finding);
      if (!findings.has(key)) findings.set(key, finding);
    };
    const captures: CaptureSummary[] = [];
    for (const capture of input.captures) captures.push(await scanCapture(typeof capture === "string" ? capture : capture.file, index, report));
    const texts: { name: string; bytes: number }[] = [];
    const scanTexts = (list: { name: string; text: string }[]) => {
      for (const { name, text } of list) {
        const bytes = utf8(text);
        StreamScanner.scanAll(index, bytes, (hit) => report(findingOf(hit, { source: name, layer: "text" })));
        texts.push({ name, bytes: bytes.length });
      }
    };
    scanTexts(input.extraTexts ?? []);
    const { files: storedFiles, error } = await scanStoredFiles(input.storedFiles ?? [], index, report);
    const storedFilesError = input.storedFilesError ?? error;
    if (storedFilesError !== undefined) scanTexts(input.textsWhenStoredFilesUnread ?? []);
    const all = [...findings.values()];
    const framedConnections = captures.reduce((n, c) => n + c.connectionsWithFrames, 0);
    const compressed = captures.reduce((n, c) => n + c.compressedMessages, 0);
    const details: Record<string, unknown> = {
      runId: input.runId,
      patterns: { canaryForms: patterns.filter((p) => p.what.found === "canary").length, privateKeys: countKeys(input.population), keyForms: patterns.filter((p) => p.what.found === "private key").length },
      captures,
      texts,
      storedFiles: storedFiles.slice(0, MAX_STORED_FILES_LISTED),
      storedFilesTotal: storedFiles.length,
      storedBytes: storedFiles.reduce((n, f) => n + f.bytes, 0),
      storedByDirectory: byDirectory(storedFiles),
      ...(storedFilesError !== undefined ? { storedFilesError } : {}),
      findingsTotal: all.length,
      findings: all.slice(0, MAX_FINDINGS_LISTED).map((f) => ({ ...f, summary: describeFinding(f) })),
    };
    if (all.length > 0) return { name: "privacy", status: "fail", details };
    if (storedFilesError !== undefined) {
      details.reason = `the server's stored files could not be read: ${storedFilesError}`;
      return { name: "privacy", status: "unknown", details };
    }
    if (framedConnections === 0) {
      const tls = captures.reduce((n, c) => n + c.tlsConnections, 0);
      details.reason = tls > 0 ? `only TLS connections (${tls}): payloads not visible to the check, raw bytes scanned` : "nothing to scan: no connection carried a WebSocket frame";
      return { name: "privacy", status: "unknown", details };
    }
    if (compressed > 0) {
      details.reason = `${compressed} permessage-deflate messages could not be read`;
      return { name: "privacy", status: "unknown", details };
    }
    return { name: "privacy", status: "pass", details };
  });
}

/** files and bytes per directory ("prosody data: store/localhost/offline"; a file at the top: "prosody log") */
function byDirectory(files: { name: string; bytes: number }[]): Record<string, { files: number; bytes: number }> {
  const out: Record<string, { files: number; bytes: number }> = {};
  for (const f of files) {
    const slash = f.name.lastIndexOf("/");
    const dir = slash >= 0 ? f.name.slice(0, slash) : f.name.includes(": ") ? f.name.slice(0, f.name.indexOf(": ")) : f.name;
    const entry = (out[dir] ??= { files: 0, bytes: 0 });
    entry.files++;
    entry.bytes += f.bytes;
  }
  return out;
}
