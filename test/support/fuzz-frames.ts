// Random and mutated relay frames for fuzzing: truncations, bit flips, wrong types, huge
// numbers, deep nesting, long strings, prototype keys, invalid UTF-8 and binary frames.
// Seeded, so a failing run can be replayed with the printed seed.

export { seededRandom } from "../../scenarios/lib/seeded-random.ts";

export type FuzzFrame = { data: string | Buffer; binary: boolean; kind: string };

export class FuzzFrames {
  constructor(private readonly rnd: () => number, private readonly userIds: string[]) {}

  private int(n: number): number {
    return Math.floor(this.rnd() * n);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  private b64(bytes: number): string {
    return Buffer.from(Array.from({ length: bytes }, () => this.int(256))).toString("base64");
  }

  /** A well-formed client frame (it may still be refused, e.g. rate-limited). */
  valid(): Record<string, unknown> {
    const to = this.pick(this.userIds);
    switch (this.int(6)) {
      case 0: return { type: "send", id: `fz-${this.int(1e9)}`, to, body: this.b64(1 + this.int(200)) };
      case 1: return { type: "ack", acks: Array.from({ length: this.int(5) }, () => ({ from: this.pick(this.userIds), id: `fz-${this.int(1e9)}` })) };
      case 2: return { type: "fetch_prekeys", reqId: "r", userId: to };
      case 3: return { type: "publish_prekeys", reqId: "p", dhKey: this.b64(65), dhKeySig: this.b64(64), signedPrekey: { id: 1, key: this.b64(65), sig: this.b64(64) }, oneTimePrekeys: [{ id: 1, key: this.b64(65) }] };
      case 4: return { type: "auth", v: 1, signingKey: this.b64(65), signature: this.b64(64) };
      default: return { type: "ping", t: this.rnd() };
    }
  }

  private weirdValue(): unknown {
    const deep = (n: number): unknown => (n === 0 ? 1 : [deep(n - 1)]);
    return this.pick<() => unknown>([
      () => null, () => true, () => -1, () => 1e308, () => -0, () => 2 ** 53 + 1, () => 1.5, () => "",
      () => "x".repeat(this.int(20_000)), () => "\ud800\udfff\ud800", () => ({}), () => [], () => [1, "a", null],
      () => ({ __proto__: { polluted: true } }), () => deep(50), () => Array.from({ length: 2000 }, (_, i) => `id-${i}`),
    ])();
  }

  /**
   * One fuzz frame: mostly mutations of valid frames, some pure noise. A share `fatalShare` of
   * frames are ones the relay answers by closing (invalid UTF-8: 1007, above the frame limit: 1009).
   */
  next(fatalShare = 0.01, frameLimit = 65536): FuzzFrame {
    if (this.rnd() < fatalShare) {
      return this.rnd() < 0.5
        ? { kind: "invalid-utf8", binary: false, data: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]) }
        : { kind: "oversized", binary: this.rnd() < 0.5, data: JSON.stringify({ type: "send", id: "big", body: "A".repeat(frameLimit + this.int(1000)) }) };
    }
    const text = JSON.stringify(this.valid());
    switch (this.int(13)) {
      case 0: return { kind: "truncated", binary: false, data: text.slice(0, this.int(text.length)) };
      case 1: {
        const chars = [...text];
        for (let i = 0; i < 1 + this.int(4); i++) {
          const at = this.int(chars.length);
          chars[at] = String.fromCharCode(chars[at].charCodeAt(0) ^ (1 << this.int(7)));
        }
        return { kind: "bit-flipped", binary: false, data: chars.join("") };
      }
      case 2: {
        const frame = this.valid();
        const keys = Object.keys(frame);
        frame[this.pick(keys)] = this.weirdValue();
        return { kind: "wrong-type", binary: false, data: JSON.stringify(frame) };
      }
      case 3: return { kind: "huge-number", binary: false, data: text.replace(/"(t|v|fwd|id)":("[^"]*"|[\d.]+)/, `"$1":${this.pick(["1e999", "-1e999", "123456789012345678901234567890", "1e-400", "0.0000000001"])}`) };
      case 4: {
        const depth = 1000 + this.int(15_000);
        return { kind: "deep-nesting", binary: false, data: `{"type":"send","id":${"[".repeat(depth)}${"]".repeat(depth)}}` };
      }
      case 5: return { kind: "long-string", binary: false, data: JSON.stringify({ ...this.valid(), type: this.pick(["send", "ack", "x".repeat(this.int(20_000))]), id: "i".repeat(this.int(20_000)) }) };
      case 6: return { kind: "binary", binary: true, data: Buffer.from(Array.from({ length: this.int(3000) }, () => this.int(256))) };
      case 7: return { kind: "prototype-keys", binary: false, data: this.pick(['{"type":"__proto__"}', '{"type":"constructor"}', '{"type":"toString"}', '{"__proto__":{"type":"send"},"type":"ack","acks":[]}', '{"type":"send","id":"a","to":"__proto__","body":"AAAA"}']) };
      case 8: return { kind: "extra-fields", binary: false, data: JSON.stringify({ ...this.valid(), extra: this.weirdValue(), fwd: this.weirdValue() }) };
      case 9: return { kind: "noise", binary: false, data: Array.from({ length: this.int(200) }, () => String.fromCharCode(this.int(0x3000))).join("") };
      case 10: return { kind: "empty", binary: false, data: this.pick(["", " ", "null", "0", '""', "[]", "{}", "true"]) };
      case 11: return { kind: "big-ack", binary: false, data: JSON.stringify({ type: "ack", acks: Array.from({ length: 1000 + this.int(200) }, (_, i) => ({ from: this.pick(this.userIds), id: `a${i}` })) }) };
      default: return { kind: "valid", binary: false, data: text };
    }
  }
}
