// The line format of client records on k6's console output. The four per-message records are
// tab-separated fields behind a one-letter tag (a JSON.stringify per message costs k6's
// interpreter as much as the message's crypto); every other record is a JSON object.
// Encoded in k6 (scenarios/lib/client-events.ts), decoded by the harness (harness/record/).
import type { ClientEvent } from "./client-events.ts";

type MessageEvent = Extract<ClientEvent, { ev: "sent" | "resent" | "acked" | "delivered" }>;

export function encodeRecord(e: ClientEvent): string {
  switch (e.ev) {
    case "sent":
      return `s\t${e.id}\t${e.from}\t${e.to}\t${e.seq}\t${e.t}\t${e.ep}\t${e.tag ?? ""}`;
    case "resent":
      return `r\t${e.id}\t${e.t}\t${e.ep}`;
    case "acked":
      return `a\t${e.id}\t${e.t}\t${e.ep}`;
    case "delivered":
      return `d\t${e.id}\t${e.from}\t${e.to}\t${e.t}\t${e.sentAt}\t${e.dup ? 1 : 0}\t${e.ep}\t${e.digest ?? ""}`;
    default:
      return JSON.stringify(e);
  }
}

/** The record of one line, or null for a line that is not one. */
export function decodeRecord(line: string): ClientEvent | null {
  if (line.startsWith("{")) {
    try {
      const e = JSON.parse(line) as ClientEvent;
      return typeof e.ev === "string" ? e : null;
    } catch {
      return null;
    }
  }
  const f = line.split("\t");
  const n = (i: number) => Number(f[i]);
  let e: MessageEvent | null = null;
  if (f[0] === "s" && f.length === 8) e = { ev: "sent", id: f[1], from: n(2), to: n(3), seq: n(4), t: n(5), ep: f[6], ...(f[7] ? { tag: f[7] } : {}) };
  else if (f[0] === "r" && f.length === 4) e = { ev: "resent", id: f[1], t: n(2), ep: f[3] };
  else if (f[0] === "a" && f.length === 4) e = { ev: "acked", id: f[1], t: n(2), ep: f[3] };
  else if (f[0] === "d" && f.length === 9) e = { ev: "delivered", id: f[1], from: n(2), to: n(3), t: n(4), sentAt: n(5), dup: f[6] === "1", ep: f[7], ...(f[8] ? { digest: f[8] } : {}) };
  return e && Number.isFinite(e.t) ? e : null;
}
