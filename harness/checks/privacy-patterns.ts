// What the privacy check looks for: the run's canary prefix (as text and in every base64 alignment)
// and each private key of the population in the forms a leak would take (raw bytes, base64,
// base64url, hex in either case). Each pattern carries what it stands for, never shown as bytes.
import { Buffer } from "node:buffer";
import { CANARY_PREFIX } from "../../scenarios/lib/scenario-settings.ts";
import type { Population } from "../../scenarios/lib/population.ts";

export type What =
  | { found: "canary"; encoding: "text" | "base64" | "base64url" }
  | { found: "private key"; owner: number; key: string; form: "raw" | "base64url" | "base64" | "hex" | "HEX" };

/**
 * A pattern's bytes are a string of one character per byte (latin1): 10,000 users make ~850,000
 * patterns, and as typed arrays (each with its own buffer) the collector spent most of the check's
 * 18 s on them; with strings the whole check takes 4 s (0.22x, alternating in one process).
 */
export interface Pattern { bytes: string; what: What }

export function buildPatterns(runId: string, population: Pick<Population, "members">): Pattern[] {
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

/** How many secrets of the population the patterns stand for (before their forms). */
export function countKeys(population: Pick<Population, "members">): number {
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
