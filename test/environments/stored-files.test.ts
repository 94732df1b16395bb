// What a server stores, as the privacy check gets it: a data directory walked into files (regular
// files only, named by their path under it), and a container's directory read out of the tar
// archive the engine hands over (ustar, GNU long names, pax headers; fed in pieces of any size).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readTarFiles, TarReader } from "../../harness/environments/containers/tar-files.ts";
import { directoryFiles, storedFile } from "../../harness/environments/local/directory-files.ts";

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
  it("lists every regular file under it by its path, in name order, and no link, FIFO or directory", async () => {
    const root = sampleTree();
    const files = await directoryFiles(join(root, "data"), "prosody data: ");
    expect(files.map((f) => [f.name, Buffer.from(f.bytes).toString("latin1")])).toEqual(EXPECTED.map(([name, body]) => [`prosody data: ${name}`, body]));
  });

  it("is empty for a directory that does not exist, and a missing single file is null", async () => {
    expect(await directoryFiles(join(tmpdir(), "no-such-dir-for-stored-files"), "x: ")).toEqual([]);
    expect(await storedFile(join(tmpdir(), "no-such-file-for-stored-files"), "x")).toBeNull();
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
      const reader = new TarReader();
      for (let at = 0; at < bytes.length; at += 333) reader.push(bytes.subarray(at, at + 333));
      expect(sorted(reader.end())).toEqual(expected);
      const chunks = [];
      for (let at = 0; at < bytes.length; at += 7000) chunks.push(bytes.subarray(at, at + 7000));
      expect(sorted(await readTarFiles(Readable.from(chunks)))).toEqual(expected);
    });
  }

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
