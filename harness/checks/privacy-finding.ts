// One thing the privacy check found: what (canary id, or key owner and kind, never the secret
// itself) and where (capture, connection, direction and byte offset in that direction's stream; or
// the text or stored file and the byte offset in it).
import type { Hit } from "./pattern-scanner.ts";
import type { What } from "./privacy-patterns.ts";
import type { Direction } from "./websocket-capture.ts";

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

/** Where a scanner's hit was: everything of a finding but what the pattern stands for. */
export type FoundAt = Pick<Finding, "source" | "connection" | "direction" | "layer">;

export function findingOf(hit: Hit, at: FoundAt): Finding {
  return { ...hit.pattern.what, ...at, offset: hit.offset, ...(hit.tail !== undefined ? { canary: hit.tail } : {}) };
}

/** the same finding seen twice (the raw and the payload scan meet at the same offset in unmasked frames) has the same key */
export function findingKey(f: Finding): string {
  return `${f.source}|${f.connection}|${f.direction}|${f.offset}|${whatOf(f)}`;
}

export function describeFinding(f: Finding): string {
  const where = f.connection !== undefined ? `${f.source} connection ${f.connection} ${f.direction} ${f.layer} offset ${f.offset}` : `${f.source} offset ${f.offset}`;
  return `${whatOf(f)} in ${where}`;
}

function whatOf(f: Finding): string {
  return f.found === "canary" ? `canary ${f.canary ?? "(id unreadable)"} (${f.encoding})` : `private key of member ${f.owner} (${f.key}) as ${f.form}`;
}
