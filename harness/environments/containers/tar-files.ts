// The regular files of a tar archive, read entry by entry as it streams in: what the engine's
// GET /containers/{id}/archive answers (testcontainers' copyArchiveFromContainer hands it over).
// POSIX ustar headers (name + prefix), GNU long names (type L) and pax extended headers (type x:
// path, size); directories, links, devices and global pax headers are skipped. Each header's
// checksum is verified, so something that is not a tar archive is an error, not an empty list.
// A file's bytes are handed on in the pieces they arrive in: memory holds a header and one
// piece of the stream, never a whole file or the whole archive.
import { Buffer } from "node:buffer";
import { ArchiveBytes } from "./archive-bytes.ts";

/** One regular file of the archive; chunks() reads its bytes, once, before the next entry is taken. */
export interface TarEntry {
  /** as archived, without a leading "./" ("data/journal.jsonl") */
  path: string;
  size: number;
  chunks(): AsyncIterable<Uint8Array>;
}

export interface TarFile {
  path: string;
  bytes: Uint8Array;
}

type TarSource = AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream;

const BLOCK = 512;

/**
 * The regular files of `stream`, in archive order. Take the next entry only after reading (or
 * leaving) this one's chunks: what was not read is skipped. Rejects when the stream is not a tar
 * archive or is cut short, naming the file whose data is missing.
 */
export async function* tarEntries(stream: TarSource): AsyncGenerator<TarEntry> {
  const source = new ArchiveBytes(stream as AsyncIterable<Uint8Array | string>);
  try {
    /** from a GNU long-name or pax header, for the next entry */
    let next: { path?: string; size?: number } = {};
    for (;;) {
      const at = source.offset;
      const header = await source.exactly(BLOCK);
      if (header === null) {
        if (source.buffered > 0) throw new Error(`tar archive truncated: ${source.buffered} bytes of a header at byte ${at}`);
        return;
      }
      if (header.every((b) => b === 0)) {
        await source.drain(); // end of archive (two zero blocks; one is enough to know)
        return;
      }
      checkSum(header, at);
      const type = String.fromCharCode(header[156] || 0x30);
      const magic = header.toString("latin1", 257, 262);
      const name = cString(header, 0, 100);
      const prefix = magic === "ustar" ? cString(header, 345, 155) : "";
      const path = (next.path ?? (prefix ? `${prefix}/${name}` : name)).replace(/^(\.\/)+/, "");
      // a pax or long-name header describes the entry after it; "g" (global pax) is skipped
      const meta = type === "x" || type === "L" || type === "K" || type === "g";
      const size = meta ? headerSize(header) : next.size ?? headerSize(header);
      if (meta) {
        const data = await source.exactly(size);
        if (data === null) throw truncated(path, size, source.offset, source.buffered);
        if (type === "L") next.path = cString(data, 0, data.length);
        else if (type === "x") Object.assign(next, paxRecords(data));
        await skipPadding(source, path, size);
        continue;
      }
      next = {};
      if (!REGULAR.has(type)) continue;
      const data = new EntryData(source, path, size);
      yield { path, size, chunks: () => data.read() };
      await data.skipRest();
      await skipPadding(source, path, size);
    }
  } finally {
    await source.close();
  }
}

/** Reads `stream` to its end and returns its regular files whole: for a small archive (one log file). */
export async function readTarFiles(stream: TarSource): Promise<TarFile[]> {
  const files: TarFile[] = [];
  for await (const entry of tarEntries(stream)) {
    const pieces: Uint8Array[] = [];
    for await (const piece of entry.chunks()) pieces.push(piece);
    files.push({ path: entry.path, bytes: Buffer.concat(pieces) });
  }
  return files;
}

/** One entry's data, read once as it arrives; what the reader left is skipped before the next header. */
class EntryData {
  private left: number;
  private taken = false;
  private readonly start: number;

  constructor(private readonly source: ArchiveBytes, private readonly path: string, private readonly size: number) {
    this.left = size;
    this.start = source.offset;
  }

  async *read(): AsyncGenerator<Uint8Array> {
    if (this.taken) throw new Error(`${this.path}: its bytes were read already (an archive entry streams once)`);
    this.taken = true;
    while (this.left > 0) {
      const piece = await this.next();
      yield piece;
    }
  }

  async skipRest(): Promise<void> {
    this.taken = true;
    while (this.left > 0) await this.next();
  }

  private async next(): Promise<Uint8Array> {
    const piece = await this.source.piece(this.left);
    if (piece === null) throw truncated(this.path, this.size, this.start, this.size - this.left);
    this.left -= piece.length;
    return piece;
  }
}

async function skipPadding(source: ArchiveBytes, path: string, size: number): Promise<void> {
  const padding = padded(size) - size;
  if (padding > 0 && (await source.exactly(padding)) === null) throw truncated(path, size, source.offset, size);
}

const truncated = (path: string, size: number, at: number, arrived: number) =>
  new Error(`tar archive truncated: ${path} needs ${size} bytes of data at byte ${at}, ${arrived} arrived`);

function checkSum(header: Buffer, at: number): void {
  const stored = parseInt(cString(header, 148, 8).trim() || "-1", 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  if (stored !== sum) throw new Error(`not a tar archive: the header at byte ${at} has checksum ${cString(header, 148, 8).trim() || "(none)"}, its bytes sum to ${sum.toString(8)}`);
}

/** "0" and NUL: regular file; "7": contiguous file (a regular file to everyone else) */
const REGULAR = new Set(["0", "\0", "7"]);

const padded = (size: number) => Math.ceil(size / BLOCK) * BLOCK;

function cString(bytes: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && bytes[end] !== 0) end++;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("utf8");
}

/** octal, or base-256 (GNU) when the first byte's top bit is set */
function headerSize(header: Buffer): number {
  if (header[124] & 0x80) {
    let size = header[124] & 0x7f;
    for (let i = 125; i < 136; i++) size = size * 256 + header[i];
    return size;
  }
  const text = cString(header, 124, 12).trim();
  return text === "" ? 0 : parseInt(text, 8);
}

/** "<length> <key>=<value>\n" records; only path and size matter here */
function paxRecords(bytes: Uint8Array): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let at = 0;
  while (at < buf.length) {
    const space = buf.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(buf.toString("latin1", at, space));
    if (!Number.isInteger(length) || length <= 0 || at + length > buf.length) break;
    const record = buf.toString("utf8", space + 1, at + length - 1);
    const eq = record.indexOf("=");
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === "path") out.path = value;
    else if (key === "size" && /^\d+$/.test(value)) out.size = Number(value);
    at += length;
  }
  return out;
}
