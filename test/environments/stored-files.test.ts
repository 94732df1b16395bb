// What a server stores, as the privacy check gets it: a data directory walked into files (regular
// files only, named by their path under it), each read as a stream of pieces; and a container's
// directory read out of the tar archive the engine hands over, entry by entry as it streams in
// (ustar, GNU long names, pax headers; fed in pieces of any size).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readTarFiles, tarEntries } from "../../harness/environments/containers/tar-files.ts";
import { directoryFiles, storedFile } from "../../harness/environments/local/directory-files.ts";
import { readStoredFiles } from "../support/stored-files.ts";

const LONG = `${"deeply-nested-directory-name/".repeat(5)}offline-message-store-with-a-long-name.list`; // > 100 bytes: GNU L or pax path
const BINARY = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37) % 256)); // not a multiple of 512, every byte value

/** data/ with nested, empty, long-named, binary and empty files, a symbolic link and a FIFO */
function sampleTree(): string {
  const root = mkdtempSync(join(tmpdir(), "stored-files-"));
  const data = join(root, "data");
  mkdirSync(join(data, "store/localhost/offline"), { recursive: true });
  mkdirSync(join(data, "empty-dir"));
  mkdirSync(join(data, LONG, ".."), { recursive: true });
  writeFileSync(join(data, "store/localhost/offline/bob.list"), "item({ body = \"hello\" });\n");
  writeFileSync(join(data, "store/localhost/accounts.dat"), BINARY);
  writeFileSync(join(data, "empty.txt"), "");
  writeFileSync(join(data, LONG), "long name\n");
  symlinkSync("/etc/hostname", join(data, "link-outside"));
  execFileSync("mkfifo", [join(data, "fifo")]);
  return root;
}

const EXPECTED = [
  ["deeply-nested-directory-name/".repeat(5) + "offline-message-store-with-a-long-name.list", "long name\n"],
  ["empty.txt", ""],
  ["store/localhost/accounts.dat", BINARY.toString("latin1")],
  ["store/localhost/offline/bob.list", "item({ body = \"hello\" });\n"],
];

describe("a data directory walked into stored files", () => {
  it("lists every regular file under it by its path, in name order, with its size, and no link, FIFO or directory", async () => {
    const root = sampleTree();
    const files = await readStoredFiles(directoryFiles(join(root, "data"), "prosody data: "));
    expect(files.map((f) => [f.name, f.bytes.toString("latin1")])).toEqual(EXPECTED.map(([name, body]) => [`prosody data: ${name}`, body]));
    expect(files.map((f) => f.size)).toEqual(files.map((f) => f.bytes.length));
  });

  it("reads a large file as a stream of pieces, not whole", async () => {
    const root = sampleTree();
    const big = Buffer.alloc(1_000_000, 0x61);
    writeFileSync(join(root, "data", "big.DCD"), big);
    const pieces: number[] = [];
    for await (const file of directoryFiles(join(root, "data"), "")) {
      if (file.name !== "big.DCD") continue;
      expect(file.size).toBe(big.length);
      for await (const piece of file.chunks()) pieces.push(piece.length);
    }
    expect(pieces.length).toBeGreaterThan(1);
    expect(Math.max(...pieces)).toBeLessThan(big.length);
    expect(pieces.reduce((n, p) => n + p, 0)).toBe(big.length);
  });

  it("leaves out a file removed between listing and reading", async () => {
    const root = sampleTree();
    writeFileSync(join(root, "data", "rotated.log"), "gone before it is read\n");
    const names: string[] = [];
    for await (const file of directoryFiles(join(root, "data"), "")) {
      names.push(file.name);
      if (file.name === "empty.txt") unlinkSync(join(root, "data", "rotated.log")); // listed with empty.txt, not opened yet
    }
    expect(names).toEqual(EXPECTED.map(([name]) => name));
  });

  it("is an error naming a file that cannot be read", async () => {
    const root = sampleTree();
    const dir = join(root, "data", "store");
    await expect(readStoredFiles(storedFile(dir, "x data: store"))).rejects.toThrow(`cannot read ${dir}: EISDIR`);
  });

  it("is empty for a directory that does not exist, and a missing single file is none", async () => {
    expect(await readStoredFiles(directoryFiles(join(tmpdir(), "no-such-dir-for-stored-files"), "x: "))).toEqual([]);
    expect(await readStoredFiles(storedFile(join(tmpdir(), "no-such-file-for-stored-files"), "x"))).toEqual([]);
  });
});

describe("a tar archive read into files", () => {
  for (const format of ["gnu", "pax", "ustar"] as const) {
    it(`reads the regular files of a ${format} archive of the same tree, however the stream is cut`, async () => {
      const root = sampleTree();
      const archive = join(root, `data.${format}.tar`);
      // ustar cannot hold the long name: leave that file out of it
      const exclude = format === "ustar" ? ["--exclude", "offline-message-store-with-a-long-name.list"] : [];
      execFileSync("tar", ["-cf", archive, `--format=${format}`, ...exclude, "-C", root, "data"], { stdio: ["ignore", "ignore", "pipe"] });
      const bytes = readFileSync(archive);
      const expected = EXPECTED.filter(([name]) => format !== "ustar" || !name.includes("long-name")).map(([name, body]) => [`data/${name}`, body]);
      const sorted = (files: { path: string; bytes: Uint8Array }[]) => files.map((f) => [f.path, Buffer.from(f.bytes).toString("latin1")]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
      // whole, in pieces of 333 bytes (headers and data cut anywhere), and as a stream of 7,000-byte chunks
      expect(sorted(await readTarFiles(Readable.from([bytes])))).toEqual(expected);
      const cut = (size: number) => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));
      expect(sorted(await readTarFiles(cut(333)))).toEqual(expected);
      expect(sorted(await readTarFiles(cut(7000)))).toEqual(expected);
      expect(sorted(await readTarFiles(cut(1)))).toEqual(expected);
    });
  }

  it("hands out each file's data in the pieces it arrives in, and skips what is not read", async () => {
    const root = sampleTree();
    const archive = join(root, "data.tar");
    execFileSync("tar", ["-cf", archive, "--format=pax", "-C", root, "data"]);
    const bytes = readFileSync(archive);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 1000) }, (_, i) => bytes.subarray(i * 1000, (i + 1) * 1000));
    const seen: [string, number, number[]][] = [];
    for await (const entry of tarEntries(Readable.from(pieces))) {
      if (!entry.path.endsWith("accounts.dat")) {
        seen.push([entry.path, entry.size, []]); // its data left unread: skipped
        continue;
      }
      const sizes: number[] = [];
      const read: Uint8Array[] = [];
      for await (const piece of entry.chunks()) {
        sizes.push(piece.length);
        read.push(piece);
      }
      expect(Buffer.concat(read).equals(BINARY)).toBe(true);
      seen.push([entry.path, entry.size, sizes]);
    }
    expect(seen.map(([path]) => path).sort()).toEqual(EXPECTED.map(([name]) => `data/${name}`).sort());
    const accounts = seen.find(([path]) => path.endsWith("accounts.dat"))!;
    expect(accounts[1]).toBe(3000);
    expect(accounts[2].length).toBeGreaterThan(1); // 3,000 bytes over 1,000-byte pieces: never joined
    expect(Math.max(...accounts[2])).toBeLessThanOrEqual(1000);
  });

  it("refuses what is not a tar archive, and an archive cut short", async () => {
    await expect(readTarFiles(Readable.from([Buffer.from("x".repeat(1024))]))).rejects.toThrow(/not a tar archive: the header at byte 0 has checksum/);
    const root = sampleTree();
    const archive = join(root, "cut.tar");
    execFileSync("tar", ["-cf", archive, "-C", root, "data/store/localhost/accounts.dat"]);
    const cut = readFileSync(archive).subarray(0, 512 + 1000);
    await expect(readTarFiles(Readable.from([cut]))).rejects.toThrow(/truncated: data\/store\/localhost\/accounts.dat needs 3000 bytes/);
    const [whole] = await readTarFiles(Readable.from([readFileSync(archive)]));
    expect(Buffer.from(whole.bytes).equals(BINARY)).toBe(true);
  });
});
