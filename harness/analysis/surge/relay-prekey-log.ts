// The relay's own word on one-time prekeys: its append-only log (fixtures/relay/log-records.ts)
// replayed as the relay replays it. A "p" record holds a user's whole stock after a publish (or a
// compaction); each "c" record is one one-time prekey handed out. A "c" for an id the user did not
// hold at that point is a prekey handed out twice (or never published). A server that is not the
// reference relay keeps no such log: the figure is then "not available", with why.
import type { StoredFile } from "../../environments/environment.ts";

/** the relay's data file as the environments name it (local-relay.ts, relay-container.ts) */
export const RELAY_LOG_NAME = "relay data: relay-log.jsonl";

/** how many of a server's file names the "not available" reason lists (an XMPP server keeps one per account) */
const SHOWN_NAMES = 5;

export type RelayPrekeyLog =
  | { available: true; handedOut: number; handedOutTwice: number; twice: string[] }
  | { available: false; why: string };

/** `users`: whose hand-outs are counted (this scenario's population); every user's are checked. The log is read line by line as it streams. */
export async function relayPrekeyLog(files: AsyncIterable<StoredFile> | Iterable<StoredFile>, users: ReadonlySet<string>): Promise<RelayPrekeyLog> {
  const names: string[] = [];
  for await (const file of files) {
    // awaited here: leaving the loop first would end the file list, and with it this file's stream
    if (file.name === RELAY_LOG_NAME) return await replay(file, users);
    names.push(file.name);
  }
  const named = names.slice(0, SHOWN_NAMES).join(", ") + (names.length > SHOWN_NAMES ? ` and ${names.length - SHOWN_NAMES} more` : "");
  return { available: false, why: `the server under test keeps no relay-log.jsonl (its files: ${named || "none"})` };
}

async function replay(file: StoredFile, users: ReadonlySet<string>): Promise<RelayPrekeyLog> {
  const held = new Map<string, Set<number>>();
  let handedOut = 0;
  const twice: string[] = [];
  for await (const line of lines(file)) {
    let r: { k?: string; user?: unknown; id?: unknown; oneTime?: unknown };
    try {
      r = JSON.parse(line.split("\t")[0]); // each line is "<json>\t<checksum>" (append-log.ts)
    } catch {
      continue; // the empty last line, or a torn one of a killed relay
    }
    if (typeof r.user !== "string") continue;
    if (r.k === "p" && Array.isArray(r.oneTime)) held.set(r.user, new Set(r.oneTime.map((p: { id: number }) => p.id)));
    else if (r.k === "c" && typeof r.id === "number") {
      if (users.has(r.user)) handedOut++;
      if (!held.get(r.user)?.delete(r.id)) twice.push(`${r.user}/${r.id}`);
    }
  }
  return { available: true, handedOut, handedOutTwice: twice.length, twice: twice.slice(0, 20) };
}

/** the file's lines as its pieces arrive (a line cut between two pieces is joined) */
async function* lines(file: StoredFile): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const piece of file.chunks()) {
    const parts = (rest + decoder.decode(piece, { stream: true })).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  yield rest + decoder.decode();
}

/** What a read failure of the server's files leaves of the figure. */
export function relayPrekeyLogUnread(error: unknown): RelayPrekeyLog {
  return { available: false, why: `the server's files could not be read: ${(error as Error).message}` };
}
