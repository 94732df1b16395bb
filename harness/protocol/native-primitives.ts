// The byte and MAC operations every message needs, taken from the runtime's own native code:
// Node's Buffer and node:crypto (found through process.getBuiltinModule), or k6's k6/encoding
// and k6/crypto (installed by scenarios/lib/k6-primitives.ts, since only a k6 script can import
// them; k6's crypto.getRandomValues fills a typed array element by element, 10x slower).
// WebCrypto serves the rest (AES-GCM, ECDH, ECDSA, SHA-256) in both runtimes.

export interface NativePrimitives {
  runtime: string;
  toBase64(bytes: Uint8Array): string;
  /** Standard or url-safe base64, padded or not; throws on anything else. */
  fromBase64(text: string): Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** cryptographically strong random bytes */
  randomBytes(length: number): Uint8Array;
}

/** Standard or url-safe alphabet (not both), padding only to a multiple of 4, no impossible length (what Go's decoders in k6 accept). */
function checkBase64(text: string): void {
  const body = text.endsWith("==") ? text.slice(0, -2) : text.endsWith("=") ? text.slice(0, -1) : text;
  const badPadding = body.length < text.length && text.length % 4 !== 0;
  if (badPadding || body.length % 4 === 1 || !/^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)$/.test(body)) throw new Error("invalid base64 text");
}

let installed: NativePrimitives | null = null;

export function installPrimitives(primitives: NativePrimitives): void {
  installed = primitives;
}

export function primitives(): NativePrimitives {
  installed ??= nodePrimitives();
  if (!installed) throw new Error("no native byte primitives: in k6 import scenarios/lib/k6-primitives.ts first; in Node 20.16+ they are found by themselves");
  return installed;
}

interface NodeBuffer extends Uint8Array { toString(encoding?: string): string }
interface NodeBuiltins {
  Buffer: { from(data: Uint8Array | ArrayBuffer | string, offsetOrEncoding?: number | string, length?: number): NodeBuffer };
  createHmac(algorithm: string, key: Uint8Array): { update(data: Uint8Array): { digest(): NodeBuffer } };
  randomFillSync(bytes: Uint8Array): Uint8Array;
}

function nodePrimitives(): NativePrimitives | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  if (!proc?.getBuiltinModule) return null;
  const { Buffer } = proc.getBuiltinModule("node:buffer") as NodeBuiltins;
  const { createHmac, randomFillSync } = proc.getBuiltinModule("node:crypto") as NodeBuiltins;
  const view = (bytes: Uint8Array) => Buffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  return {
    runtime: "node",
    toBase64: (bytes) => view(bytes).toString("base64"),
    fromBase64: (text) => {
      checkBase64(text);
      return new Uint8Array(Buffer.from(text, "base64"));
    },
    hmacSha256: (key, data) => new Uint8Array(createHmac("sha256", key).update(data).digest()),
    randomBytes: (length) => randomFillSync(new Uint8Array(length)),
  };
}
