// The privacy check: nothing a party in the middle could see (a proxy's captured bytes, the
// relay's metrics) nor anything the server keeps or wrote (every file of its data directory, binary
// stores included, and its logs) may hold a plaintext canary `CANARY-<runId>-<messageId>` or any
// private key of the run's population. Captures are read as a stream and every byte is looked at a fixed
// number of times (one rolling hash over all patterns), so the time is linear in the bytes and the
// memory does not grow with the capture.
//
// Each captured direction is scanned twice: raw (as on the wire, HTTP headers included) and as
// unmasked WebSocket payloads (client frames are masked on the wire), message by message so a leak
// split over fragments is still found. A finding names where it is (capture, connection,
// direction, byte offset in that direction's stream; or the stored file and the byte offset in it)
// and what (canary id, or key owner and kind), never the secret itself.
import { Buffer } from "node:buffer";
import { CANARY_PREFIX } from "../../scenarios/lib/scenario-settings.ts";
import type { Population } from "../../scenarios/lib/population.ts";
import type { StoredFile } from "../environments/environment.ts";
import { utf8 } from "../protocol/bytes.ts";
import { readCapture, type CaptureHeader, type CaptureRecord } from "../environments/traffic-tap.ts";
import { runCheck, type CheckResult } from "./check-result.ts";
import { WebSocketStreamDecoder, type Direction } from "./websocket-capture.ts";

export interface PrivacyCheckInput {
  runId: string;
  population: Pick<Population, "members">;
  /** capture files written by traffic taps (or `{ path, file }` from TappedEnvironment.captures()) */
  captures: (string | { path: string; file: string })[];
  /** other things a party in the middle sees: the relay's /metrics text, ... */
  extraTexts?: { name: string; text: string }[];
  /** what the server keeps at rest and wrote (RelayControl.storedFiles()): scanned as bytes, each file on its own */
  storedFiles?: StoredFile[];
  /** why the server's stored files could not be read: the check is then unknown unless it finds something */
  storedFilesError?: string;
}

type What =
  | { found: "canary"; encoding: "text" | "base64" | "base64url" }
  | { found: "private key"; owner: number; key: string; form: "raw" | "base64url" | "base64" | "hex" | "HEX" };

export type Finding = What & {
  source: string;
  connection?: number;
  direction?: Direction;
  layer: "websocket payload" | "raw bytes" | "text" | "stored file";
  /** byte offset in the connection's direction stream (or in the text, or in the stored file) */
  offset: number;
  /** for canaries in clear text: the whole canary, message id included */
  canary?: string;
};

const MAX_FINDINGS_LISTED = 200;
/** stored files listed one by one in the details (a large population's store holds several per user); all are in storedByDirectory */
const MAX_STORED_FILES_LISTED = 1000;

export function privacyCheck(input: PrivacyCheckInput): Promise<CheckResult> {
  return runCheck("privacy", async () => {
    const patterns = buildPatterns(input.runId, input.population);
    const index = new PatternIndex(patterns);
    const findings = new Map<string, Finding>();
    const report = (finding: Finding) => {
      // the raw and the payload scan meet at the same offset in unmasked frames: one finding
      const key = `${finding.source}|${finding.connection}|${finding.direction}|${finding.offset}|${whatOf(finding)}`;
      if (!findings.has(key)) findings.set(key, finding);
    };
    const captures = [];
    for (const capture of input.captures) captures.push(await scanCapture(typeof capture === "string" ? capture : capture.file, index, report));
    const texts = [];
    for (const { name, text } of input.extraTexts ?? []) {
      const bytes = utf8(text);
      const scanner = new StreamScanner(index, (hit) => report({ ...hit.pattern.what, source: name, layer: "text", offset: hit.offset, ...(hit.tail !== undefined ? { canary: hit.tail } : {}) }));
      scanner.push(bytes, 0);
      scanner.finish();
      texts.push({ name, bytes: bytes.length });
    }
    const storedFiles = [];
    for (const file of input.storedFiles ?? []) {
      const scanner = new StreamScanner(index, (hit) => report({ ...hit.pattern.what, source: file.name, layer: "stored file", offset: hit.offset, ...(hit.tail !== undefined ? { canary: hit.tail } : {}) }));
      scanner.push(file.bytes, 0);
      scanner.finish();
      storedFiles.push({ name: file.name, bytes: file.bytes.length });
    }
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
      ...(input.storedFilesError !== undefined ? { storedFilesError: input.storedFilesError } : {}),
      findingsTotal: all.length,
      findings: all.slice(0, MAX_FINDINGS_LISTED).map((f) => ({ ...f, summary: describe(f) })),
    };
    if (all.length > 0) return { name: "privacy", status: "fail", details };
    if (input.storedFilesError !== undefined) {
      details.reason = `the server's stored files could not be read: ${input.storedFilesError}`;
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

function whatOf(f: Finding): string {
  return f.found === "canary" ? `canary ${f.canary ?? "(id unreadable)"} (${f.encoding})` : `private key of member ${f.owner} (${f.key}) as ${f.form}`;
}

function describe(f: Finding): string {
  const where = f.connection !== undefined ? `${f.source} connection ${f.connection} ${f.direction} ${f.layer} offset ${f.offset}` : `${f.source} offset ${f.offset}`;
  return `${whatOf(f)} in ${where}`;
}

// ---- one capture file ----

interface DirectionScan { decoder: WebSocketStreamDecoder; raw: StreamScanner; payload: StreamScanner; control: StreamScanner }

async function scanCapture(file: string, index: PatternIndex, report: (f: Finding) => void) {
  const summary = { file, path: "", connections: 0, websocketConnections: 0, tlsConnections: 0, otherConnections: 0, connectionsWithFrames: 0, bytes: { clientToServer: 0, serverToClient: 0 }, frames: 0, messages: 0, compressedMessages: 0, truncatedStreams: 0, anomalies: [] as string[] };
  const open = new Map<number, { dirs: Record<Direction, DirectionScan>; closes: number }>();
  const newDirection = (connection: number, direction: Direction): DirectionScan => {
    const at = (layer: Finding["layer"]) => (hit: Hit) =>
      report({ ...hit.pattern.what, source: summary.path || file, connection, direction, layer, offset: hit.offset, ...(hit.tail !== undefined ? { canary: hit.tail } : {}) });
    const payload = new StreamScanner(index, at("websocket payload"));
    const control = new StreamScanner(index, at("websocket payload"));
    const decoder = new WebSocketStreamDecoder(direction, {
      begin: (channel) => (channel === "data" ? payload : control).reset(),
      payload: (channel, bytes, offset) => (channel === "data" ? payload : control).push(bytes, offset),
    });
    return { decoder, raw: new StreamScanner(index, at("raw bytes")), payload, control };
  };
  const finish = (connection: number) => {
    const state = open.get(connection);
    if (!state) return;
    open.delete(connection);
    const c2s = state.dirs["client-to-server"].decoder, s2c = state.dirs["server-to-client"].decoder;
    for (const d of Object.values(state.dirs)) {
      d.raw.finish();
      d.payload.finish();
      d.control.finish();
      if (d.decoder.truncated) summary.truncatedStreams++;
      if (d.decoder.anomaly && summary.anomalies.length < 20) summary.anomalies.push(`connection ${connection} ${d.decoder.direction}: ${d.decoder.anomaly}`);
    }
    summary.frames += c2s.frames + s2c.frames;
    summary.messages += c2s.messages + s2c.messages;
    summary.compressedMessages += c2s.compressedMessages + s2c.compressedMessages;
    if (c2s.frames + s2c.frames > 0) summary.connectionsWithFrames++;
    if (c2s.kind === "tls" || s2c.kind === "tls") summary.tlsConnections++;
    else if (c2s.kind === "websocket" || s2c.kind === "websocket") summary.websocketConnections++;
    else summary.otherConnections++;
  };
  const stateOf = (connection: number) => {
    let state = open.get(connection);
    if (!state) {
      summary.connections++;
      state = { dirs: { "client-to-server": newDirection(connection, "client-to-server"), "server-to-client": newDirection(connection, "server-to-client") }, closes: 0 };
      open.set(connection, state);
    }
    return state;
  };
  for await (const item of readCapture(file)) {
    if (!("type" in item)) {
      summary.path = (item as CaptureHeader).path;
      continue;
    }
    const record = item as CaptureRecord;
    if (record.type === "open") stateOf(record.connection);
    else if (record.type === "close") {
      const state = stateOf(record.connection);
      if (++state.closes >= 2) finish(record.connection);
    } else {
      const direction: Direction = record.type === "c2s" ? "client-to-server" : "server-to-client";
      const d = stateOf(record.connection).dirs[direction];
      d.raw.push(record.data, d.decoder.bytes);
      d.decoder.push(record.data);
      if (record.type === "c2s") summary.bytes.clientToServer += record.data.length;
      else summary.bytes.serverToClient += record.data.length;
    }
  }
  for (const connection of [...open.keys()]) finish(connection);
  return summary;
}

// ---- what to look for ----

/**
 * A pattern's bytes are a string of one character per byte (latin1): 10,000 users make ~850,000
 * patterns, and as typed arrays (each with its own buffer) the collector spent most of the check's
 * 18 s on them; with strings the whole check takes 4 s (0.22x, alternating in one process).
 */
interface Pattern { bytes: string; what: What }

function buildPatterns(runId: string, population: Pick<Population, "members">): Pattern[] {
  const byContent = new Map<string, Pattern>();
  const add = (bytes: string, what: What) => {
    if (bytes.length > 0 && !byContent.has(bytes)) byContent.set(bytes, { bytes, what });
  };
  const canary = Buffer.from(`${CANARY_PREFIX}${runId}`, "utf8");
  add(canary.toString("latin1"), { found: "canary", encoding: "text" });
  for (const text of base64Forms(canary)) {
    add(text, { found: "canary", encoding: "base64" });
    add(text.replace(/\+/g, "-").replace(/\//g, "_"), { found: "canary", encoding: "base64url" });
  }
  for (const member of population.members) {
    const keys: [string, JsonWebKey][] = [["identity-signing", member.identity.signing], ["identity-dh", member.identity.dh], ["signed-prekey", member.prekeys.signed.jwk]];
    for (const p of member.prekeys.oneTime) keys.push([`one-time-prekey ${p.id}`, p.jwk]);
    const secrets: [string, string][] = keys.filter(([, jwk]) => jwk.d).map(([key, jwk]) => [key, jwk.d!]);
    // both chain keys of a pair, once (from the side with the lower index)
    for (const s of member.sessions) if (member.index < s.peer) secrets.push([`earlier-session chain key to ${s.peer}`, s.send], [`earlier-session chain key from ${s.peer}`, s.recv]);
    for (const [key, encoded] of secrets) {
      const secret = Buffer.from(encoded, "base64");
      const what = (form: Extract<What, { found: "private key" }>["form"]): What => ({ found: "private key", owner: member.index, key, form });
      const hex = secret.toString("hex");
      add(secret.toString("base64url"), what("base64url"));
      add(secret.toString("base64").replace(/=+$/, ""), what("base64"));
      add(hex, what("hex"));
      add(hex.toUpperCase(), what("HEX"));
      add(secret.toString("latin1"), what("raw"));
    }
  }
  return [...byContent.values()];
}

function countKeys(population: Pick<Population, "members">): number {
  return population.members.reduce((n, m) => n + 3 + m.prekeys.oneTime.length + 2 * m.sessions.filter((s) => m.index < s.peer).length, 0);
}

/** The base64 text `bytes` turns into wherever it sits in a longer encoded string (3 alignments). */
function base64Forms(bytes: Buffer): string[] {
  const forms: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const text = Buffer.concat([Buffer.alloc(pad), bytes]).toString("base64").replace(/=+$/, "");
    // character j holds bits [6j, 6j+6): keep only those made of `bytes` alone
    const first = Math.ceil((8 * pad) / 6);
    const end = Math.floor((8 * (pad + bytes.length)) / 6);
    if (end - first >= 8) forms.push(text.slice(first, end));
  }
  return forms;
}

// ---- many fixed patterns in one pass: a rolling hash over the shortest pattern length ----
// Polynomial hash mod 2^32 in int32 arithmetic (Math.imul); a hash hit is always verified.

const BASE = 0x01000193;
const FILTER_BITS = 22;
const RING = 128;
const CANARY_ID_CHAR = /[A-Za-z0-9._:-]/;
const MAX_CANARY_ID = 128;

const filterSlot = (h: number) => Math.imul(h, 0x9e3779b1) >>> (32 - FILTER_BITS);

class PatternIndex {
  readonly window: number;
  readonly dropFactor: number;
  readonly table = new Map<number, Pattern[]>();
  readonly filter = new Uint8Array(1 << FILTER_BITS);

  constructor(readonly patterns: Pattern[]) {
    let window = 32;
    for (const p of patterns) window = Math.min(window, p.bytes.length); // no spread: 10,000 users make ~900,000 patterns
    this.window = window;
    let factor = 1;
    for (let k = 1; k < this.window; k++) factor = Math.imul(factor, BASE);
    this.dropFactor = factor;
    for (const p of patterns) {
      let h = 0;
      for (let k = 0; k < this.window; k++) h = (Math.imul(h, BASE) + p.bytes.charCodeAt(k)) | 0;
      const list = this.table.get(h);
      if (list) list.push(p);
      else this.table.set(h, [p]);
      this.filter[filterSlot(h)] = 1;
    }
  }
}

interface Hit { pattern: Pattern; offset: number; tail?: string }

/** Finds every pattern in a byte stream fed in pieces; reset() starts a new message. */
class StreamScanner {
  private readonly ring = new Uint8Array(RING);
  private readonly ringOffset = new Float64Array(RING);
  private count = 0;
  private hash = 0;
  private candidates: { pattern: Pattern; matched: number; offset: number }[] = [];
  private tails: { hit: Hit; text: string }[] = [];

  constructor(private readonly index: PatternIndex, private readonly onHit: (hit: Hit) => void) {}

  push(bytes: Uint8Array, streamOffset: number): void {
    const { window, dropFactor, filter, table } = this.index;
    const ring = this.ring;
    const ringOffset = this.ringOffset;
    let count = this.count;
    let hash = this.hash;
    for (let k = 0; k < bytes.length; k++) {
      const b = bytes[k];
      if (this.tails.length > 0) this.extendTails(b);
      if (this.candidates.length > 0) this.extendCandidates(b);
      if (count >= window) hash = (hash - Math.imul(ring[(count - window) & (RING - 1)], dropFactor)) | 0;
      hash = (Math.imul(hash, BASE) + b) | 0;
      ring[count & (RING - 1)] = b;
      ringOffset[count & (RING - 1)] = streamOffset + k;
      count++;
      if (count >= window && filter[filterSlot(hash)] === 1) {
        const list = table.get(hash);
        if (list) {
          this.count = count;
          for (const pattern of list) this.tryStart(pattern);
        }
      }
    }
    this.count = count;
    this.hash = hash;
  }

  /** message boundary: nothing spans it */
  reset(): void {
    this.finish();
    this.count = 0;
    this.hash = 0;
    this.candidates = [];
  }

  finish(): void {
    for (const tail of this.tails) this.onHit({ ...tail.hit, tail: tail.text });
    this.tails = [];
  }

  private tryStart(pattern: Pattern): void {
    const { window } = this.index;
    const start = this.count - window;
    for (let k = 0; k < window; k++) if (this.ring[(start + k) & (RING - 1)] !== pattern.bytes.charCodeAt(k)) return;
    const offset = this.ringOffset[start & (RING - 1)];
    if (pattern.bytes.length === window) this.matched(pattern, offset);
    else this.candidates.push({ pattern, matched: window, offset });
  }

  private extendCandidates(b: number): void {
    const keep = [];
    for (const c of this.candidates) {
      if (c.pattern.bytes.charCodeAt(c.matched) !== b) continue;
      c.matched++;
      if (c.matched === c.pattern.bytes.length) this.matched(c.pattern, c.offset);
      else keep.push(c);
    }
    this.candidates = keep;
  }

  private matched(pattern: Pattern, offset: number): void {
    const hit = { pattern, offset };
    if (pattern.what.found === "canary" && pattern.what.encoding === "text") this.tails.push({ hit, text: pattern.bytes });
    else this.onHit(hit);
  }

  /** after a clear-text canary: read its message id */
  private extendTails(b: number): void {
    const c = String.fromCharCode(b);
    const open = [];
    for (const tail of this.tails) {
      if (CANARY_ID_CHAR.test(c) && tail.text.length < MAX_CANARY_ID) {
        tail.text += c;
        open.push(tail);
      } else this.onHit({ ...tail.hit, tail: tail.text });
    }
    this.tails = open;
  }
}
