// Byte helpers that run unchanged in Node and in k6 (base64 from the runtime's native code).
import { primitives } from "./native-primitives.ts";

export function toBase64(bytes: Uint8Array): string {
  return primitives().toBase64(bytes);
}

export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes standard or url-safe base64; throws on any character outside the alphabet. */
export function fromBase64(text: string): Uint8Array {
  return primitives().fromBase64(text);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += (b < 16 ? "0" : "") + b.toString(16);
  return out;
}

export function randomBytes(length: number): Uint8Array {
  return primitives().randomBytes(length);
}

/**
 * The bytes as an ArrayBuffer of their own, the form every WebCrypto runtime accepts (k6 reads a
 * view's whole buffer): the view's buffer when it spans all of it, a copy otherwise.
 */
export function buf(bytes: Uint8Array): ArrayBuffer {
  // a view as long as its buffer starts at 0; two reads of the view, not three (in k6 every named
  // property of a typed array is first tried as an index, and the failed parse allocates)
  const buffer = bytes.buffer as ArrayBuffer;
  return bytes.byteLength === buffer.byteLength ? buffer : (bytes.slice().buffer as ArrayBuffer);
}
