// Many fixed patterns in one pass over a byte stream fed in pieces: a rolling hash over the
// shortest pattern length, so every byte is looked at a fixed number of times and the memory does
// not grow with the stream. Polynomial hash mod 2^32 in int32 arithmetic (Math.imul); a hash hit
// is always verified. After a clear-text canary, the scanner reads on to its message id.
import type { Pattern } from "./privacy-patterns.ts";

const BASE = 0x01000193;
const FILTER_BITS = 22;
const RING = 128;
const CANARY_ID_CHAR = /[A-Za-z0-9._:-]/;
const MAX_CANARY_ID = 128;

const filterSlot = (h: number) => Math.imul(h, 0x9e3779b1) >>> (32 - FILTER_BITS);

/** The patterns by the hash of their first `window` bytes, with a bit filter in front. */
export class PatternIndex {
  readonly window: number;
  readonly dropFactor: number;
  readonly table = new Map<number, Pattern[]>();
  readonly filter = new Uint8Array(1 << FILTER_BITS);

  constructor(readonly patterns: Pattern[]) {
    let window = 32;
    for (const p of patterns) window = Math.min(window, p.bytes.length); // no spread: 10,000 users make ~900,000 patterns
    this.window = window;
    let factor = 1;
    for (let k = 1; k < this.window; k++) factor = Math.imul(factor, BASE);
    this.dropFactor = factor;
    for (const p of patterns) {
      let h = 0;
      for (let k = 0; k < this.window; k++) h = (Math.imul(h, BASE) + p.bytes.charCodeAt(k)) | 0;
      const list = this.table.get(h);
      if (list) list.push(p);
      else this.table.set(h, [p]);
      this.filter[filterSlot(h)] = 1;
    }
  }
}

/** A pattern found at a byte offset of the stream; `tail` is a clear-text canary with its message id. */
export interface Hit { pattern: Pattern; offset: number; tail?: string }

/** Finds every pattern in a byte stream fed in pieces; reset() starts a new message. */
export class StreamScanner {
  private readonly ring = new Uint8Array(RING);
  private readonly ringOffset = new Float64Array(RING);
  private count = 0;
  private hash = 0;
  private candidates: { pattern: Pattern; matched: number; offset: number }[] = [];
  private tails: { hit: Hit; text: string }[] = [];

  constructor(private readonly index: PatternIndex, private readonly onHit: (hit: Hit) => void) {}

  /** Scans `bytes` whole in one piece and reports what remains open: a text or a stored file. */
  static scanAll(index: PatternIndex, bytes: Uint8Array, onHit: (hit: Hit) => void): void {
    const scanner = new StreamScanner(index, onHit);
    scanner.push(bytes, 0);
    scanner.finish();
  }

  push(bytes: Uint8Array, streamOffset: number): void {
    const { window, dropFactor, filter, table } = this.index;
    const ring = this.ring;
    const ringOffset = this.ringOffset;
    let count = this.count;
    let hash = this.hash;
    for (let k = 0; k < bytes.length; k++) {
      const b = bytes[k];
      if (this.tails.length > 0) this.extendTails(b);
      if (this.candidates.length > 0) this.extendCandidates(b);
      if (count >= window) hash = (hash - Math.imul(ring[(count - window) & (RING - 1)], dropFactor)) | 0;
      hash = (Math.imul(hash, BASE) + b) | 0;
      ring[count & (RING - 1)] = b;
      ringOffset[count & (RING - 1)] = streamOffset + k;
      count++;
      if (count >= window && filter[filterSlot(hash)] === 1) {
        const list = table.get(hash);
        if (list) {
          this.count = count;
          for (const pattern of list) this.tryStart(pattern);
        }
      }
    }
    this.count = count;
    this.hash = hash;
  }

  /** message boundary: nothing spans it */
  reset(): void {
    this.finish();
    this.count = 0;
    this.hash = 0;
    this.candidates = [];
  }

  finish(): void {
    for (const tail of this.tails) this.onHit({ ...tail.hit, tail: tail.text });
    this.tails = [];
  }

  private tryStart(pattern: Pattern): void {
    const { window } = this.index;
    const start = this.count - window;
    for (let k = 0; k < window; k++) if (this.ring[(start + k) & (RING - 1)] !== pattern.bytes.charCodeAt(k)) return;
    const offset = this.ringOffset[start & (RING - 1)];
    if (pattern.bytes.length === window) this.matched(pattern, offset);
    else this.candidates.push({ pattern, matched: window, offset });
  }

  private extendCandidates(b: number): void {
    const keep = [];
    for (const c of this.candidates) {
      if (c.pattern.bytes.charCodeAt(c.matched) !== b) continue;
      c.matched++;
      if (c.matched === c.pattern.bytes.length) this.matched(c.pattern, c.offset);
      else keep.push(c);
    }
    this.candidates = keep;
  }

  private matched(pattern: Pattern, offset: number): void {
    const hit = { pattern, offset };
    if (pattern.what.found === "canary" && pattern.what.encoding === "text") this.tails.push({ hit, text: pattern.bytes });
    else this.onHit(hit);
  }

  /** after a clear-text canary: read its message id */
  private extendTails(b: number): void {
    const c = String.fromCharCode(b);
    const open = [];
    for (const tail of this.tails) {
      if (CANARY_ID_CHAR.test(c) && tail.text.length < MAX_CANARY_ID) {
        tail.text += c;
        open.push(tail);
      } else this.onHit({ ...tail.hit, tail: tail.text });
    }
    this.tails = open;
  }
}
