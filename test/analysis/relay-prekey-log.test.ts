// The relay's prekey log replayed from its stored file as it streams in: a record cut between two
// pieces is read whole, a one-time prekey handed out twice is named, and a server without the log
// says which files it keeps.
import { describe, expect, it } from "vitest";
import { relayPrekeyLog, RELAY_LOG_NAME } from "../../harness/analysis/surge/relay-prekey-log.ts";
import { piecedFile } from "../support/stored-files.ts";

const LOG = [
  { k: "p", user: "u0", oneTime: [{ id: 1 }, { id: 2 }] },
  { k: "c", user: "u0", id: 1 },
  { k: "c", user: "u0", id: 1 },
  { k: "c", user: "other", id: 9 },
].map((r) => `${JSON.stringify(r)}\tabc123\n`).join("") + `{"k":"c","user":"u0","id":2`; // a torn last line of a killed relay

describe("the relay's prekey log read from its stored file", () => {
  it("counts the same however the file is cut into pieces", async () => {
    const bytes = Buffer.from(LOG);
    const expected = { available: true, handedOut: 2, handedOutTwice: 2, twice: ["u0/1", "other/9"] };
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const files = [piecedFile("relay data: journal.jsonl", Buffer.from("{}\n")), piecedFile(RELAY_LOG_NAME, bytes, [cut])];
      expect(await relayPrekeyLog(files, new Set(["u0"])), `cut at ${cut}`).toEqual(expected);
    }
  });

  it("is not available from a server that keeps no such log, naming its files", async () => {
    expect(await relayPrekeyLog([piecedFile("prosody data: prosody.cfg.lua", Buffer.from("x"))], new Set())).toEqual({
      available: false, why: "the server under test keeps no relay-log.jsonl (its files: prosody data: prosody.cfg.lua)",
    });
  });
});
