// The regular files of a tar archive, read as it streams in: what the engine's
// GET /containers/{id}/archive answers (testcontainers' copyArchiveFromContainer hands it over).
// POSIX ustar headers (name + prefix), GNU long names (type L) and pax extended headers (type x:
// path, size); directories, links, devices and global pax headers are skipped. Each header's
// checksum is verified, so something that is not a tar archive is an error, not an empty list.
// The files' bytes are views of the chunks read: memory holds the archive once.
import { Buffer } from "node:buffer";

export interface TarFile {
  /** as archived, without a leading "./" ("data/journal.jsonl") */
  path: string;
  bytes: Uint8Array;
}

const BLOCK = 512;

interface Entry { path: string; type: string; size: number }

/** Reads `stream` to its end and returns its regular files, in archive order. */
export async function readTarFiles(stream: AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream): Promise<TarFile[]> {
  const reader = new TarReader();
  for await (const chunk of stream as AsyncIterable<Uint8Array | string>) reader.push(typeof chunk === "string" ? Buffer.from(chunk, "latin1") : chunk);
  return reader.end();
}

/** push() the archive's bytes in pieces of any size, then end() for the files. */
export class TarReader {
  private readonly files: TarFile[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** archive offset of the first pending byte (for error messages) */
  private offset = 0;
  /** the entry whose data comes next; null: a header comes next */
  private entry: Entry | null = null;
  /** from a GNU long-name or pax header, for the next entry */
  private next: { path?: string; size?: number } = {};
  private finished = false;

  push(chunk: Uint8Array): void {
    if (this.finished || chunk.length === 0) return;
    this.pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.needed()) return;
    // one copy of what is pending, then as many blocks as it holds
    let data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    let at = 0;
    while (!this.finished && data.length - at >= this.needed()) at += this.step(data, at);
    data = data.subarray(at);
    this.offset += at;
    this.pending = this.finished || data.length === 0 ? [] : [data];
    this.pendingBytes = this.finished ? 0 : data.length;
  }

  end(): TarFile[] {
    if (this.entry) throw new Error(`tar archive truncated: ${this.entry.path} needs ${this.entry.size} bytes of data at byte ${this.offset}, ${this.pendingBytes} arrived`);
    if (!this.finished && this.pendingBytes > 0) throw new Error(`tar archive truncated: ${this.pendingBytes} bytes of a header at byte ${this.offset}`);
    return this.files;
  }

  /** bytes the next step reads: a header block, or the entry's data padded to whole blocks */
  private needed(): number {
    return this.entry ? padded(this.entry.size) : BLOCK;
  }

  /** reads one header or one entry's data at `at`; returns the bytes consumed */
  private step(data: Buffer, at: number): number {
    const entry = this.entry;
    if (entry) {
      const bytes = data.subarray(at, at + entry.size);
      this.entry = null;
      if (entry.type === "L") this.next.path = cString(bytes, 0, bytes.length);
      else if (entry.type === "x") Object.assign(this.next, paxRecords(bytes));
      else if (REGULAR.has(entry.type)) this.files.push({ path: entry.path, bytes });
      return padded(entry.size);
    }
    const header = data.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) {
      this.finished = true; // end of archive (two zero blocks; one is enough to know)
      return BLOCK;
    }
    this.checkSum(header);
    const type = String.fromCharCode(header[156] || 0x30);
    const magic = header.toString("latin1", 257, 262);
    const name = cString(header, 0, 100);
    const prefix = magic === "ustar" ? cString(header, 345, 155) : "";
    const path = (this.next.path ?? (prefix ? `${prefix}/${name}` : name)).replace(/^(\.\/)+/, "");
    // a pax or long-name header describes the entry after it; "g" (global pax) is skipped
    const meta = type === "x" || type === "L" || type === "K" || type === "g";
    const size = meta ? headerSize(header) : this.next.size ?? headerSize(header);
    if (!meta) this.next = {};
    const hasData = REGULAR.has(type) || meta;
    if (hasData && size > 0) this.entry = { path, type, size };
    else if (REGULAR.has(type)) this.files.push({ path, bytes: new Uint8Array(0) });
    return BLOCK;
  }

  private checkSum(header: Buffer): void {
    const stored = parseInt(cString(header, 148, 8).trim() || "-1", 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
    if (stored !== sum) throw new Error(`not a tar archive: the header at byte ${this.offset} has checksum ${cString(header, 148, 8).trim() || "(none)"}, its bytes sum to ${sum.toString(8)}`);
  }
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
