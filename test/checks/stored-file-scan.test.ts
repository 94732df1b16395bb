// A stored file scanned as the pieces it is read in: a canary or a private key cut between two
// pieces (or spread over many) is found at the same offset of the same file as in one piece.
import { beforeAll, describe, expect, it } from "vitest";
import { PatternIndex } from "../../harness/checks/pattern-scanner.ts";
import type { Finding } from "../../harness/checks/privacy-finding.ts";
import { buildPatterns } from "../../harness/checks/privacy-patterns.ts";
import { scanStoredFiles } from "../../harness/checks/stored-file-scan.ts";
import { generatePopulation } from "../../harness/load/population.ts";
import type { Population } from "../../scenarios/lib/population.ts";
import { piecedFile } from "../support/stored-files.ts";

const RUN = "20260101-000000-chunks";
let population: Population;
let index: PatternIndex;

beforeAll(async () => {
  population = await generatePopulation({ users: 2, seed: 11, contactsPerUser: 1, oneTimePrekeys: 1 });
  index = new PatternIndex(buildPatterns(RUN, population));
});

const canary = `CANARY-${RUN}-4.2`;
/** a binary store holding member 1's raw identity key, then a log line holding a canary */
function store(): Buffer {
  const key = Buffer.from(population.members[1].identity.dh.d!, "base64url");
  return Buffer.concat([Buffer.from([0, 0xff, 7]), key, Buffer.from(` body=${canary} end\n`)]);
}

async function findings(pieces: ReturnType<typeof piecedFile>[]): Promise<{ files: { name: string; bytes: number }[]; found: string[] }> {
  const found: Finding[] = [];
  const scan = await scanStoredFiles(pieces, index, (f) => found.push(f));
  expect(scan.error).toBeUndefined();
  return { files: scan.files, found: found.map((f) => `${f.source}@${f.offset} ${f.found === "canary" ? f.canary : `${f.owner} ${f.key} ${f.form}`}`) };
}

describe("stored files scanned piece by piece", () => {
  it("finds a key and a canary at their offsets in one piece", async () => {
    const bytes = store();
    expect(await findings([piecedFile("x data: store.DCD", bytes)])).toEqual({
      files: [{ name: "x data: store.DCD", bytes: bytes.length }],
      found: ["x data: store.DCD@3 1 identity-dh raw", `x data: store.DCD@${bytes.indexOf("CANARY")} ${canary}`],
    });
  });

  it("finds the same wherever the file is cut in two, and cut into one-byte pieces", async () => {
    const bytes = store();
    const whole = await findings([piecedFile("x data: store.DCD", bytes)]);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await findings([piecedFile("x data: store.DCD", bytes, [cut])]), `cut at ${cut}`).toEqual(whole);
    }
    const everyByte = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    expect(await findings([piecedFile("x data: store.DCD", bytes, everyByte)])).toEqual(whole);
  });

  it("scans each file on its own: nothing spans the end of one file and the start of the next", async () => {
    const bytes = Buffer.from(canary);
    const half = Math.floor(bytes.length / 2);
    expect(await findings([piecedFile("a", bytes.subarray(0, half)), piecedFile("b", bytes.subarray(half))])).toEqual({ files: [{ name: "a", bytes: half }, { name: "b", bytes: bytes.length - half }], found: [] });
  });

  it("stops at a file that cannot be read, naming it, with the files before it scanned", async () => {
    const broken = { name: "x data: broken.DCD", size: 3, chunks: async function* () { yield Buffer.from("ok"); throw new Error("EIO: i/o error, read"); } };
    const scan = await scanStoredFiles([piecedFile("x data: a", Buffer.from("fine")), broken, piecedFile("x data: c", Buffer.from("never read"))], index, () => undefined);
    expect(scan).toEqual({ files: [{ name: "x data: a", bytes: 4 }], error: "x data: broken.DCD: EIO: i/o error, read" });
  });
});
