// A byte stream read by the tar reader: whole blocks when a header is due, and otherwise the
// pieces as they arrive, cut at the end of an entry. Holds at most one arrived piece (plus the
// part of a header that started in the one before).
import { Buffer } from "node:buffer";

const EMPTY = Buffer.alloc(0);

export class ArchiveBytes {
  private readonly iterator: AsyncIterator<Uint8Array | string>;
  private held: Buffer = EMPTY;
  private ended = false;
  /** stream offset of the first byte not handed out yet */
  offset = 0;

  constructor(stream: AsyncIterable<Uint8Array | string>) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  /** bytes arrived and not handed out */
  get buffered(): number {
    return this.held.length;
  }

  /** up to `max` bytes, as they arrived; null at the end of the stream */
  async piece(max: number): Promise<Buffer | null> {
    if (this.held.length === 0 && !(await this.more())) return null;
    return this.take(Math.min(max, this.held.length));
  }

  /** exactly `n` bytes in one buffer; null when the stream ends first (`buffered` says how many came) */
  async exactly(n: number): Promise<Buffer | null> {
    while (this.held.length < n) if (!(await this.more())) return null;
    return this.take(n);
  }

  /** reads the rest of the stream and drops it (what follows the end-of-archive blocks) */
  async drain(): Promise<void> {
    do this.held = EMPTY;
    while (await this.more());
  }

  /** stops reading: a stream read to its end is left as it is, another one is destroyed */
  async close(): Promise<void> {
    if (!this.ended) await this.iterator.return?.();
  }

  private take(n: number): Buffer {
    const out = this.held.subarray(0, n);
    this.held = this.held.subarray(n);
    this.offset += n;
    return out;
  }

  private async more(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.iterator.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    const value = next.value;
    const piece = typeof value === "string" ? Buffer.from(value, "latin1") : Buffer.from(value.buffer, value.byteOffset, value.length);
    this.held = this.held.length === 0 ? piece : Buffer.concat([this.held, piece]);
    return true;
  }
}
