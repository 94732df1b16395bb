// Installs k6's native base64 (k6/encoding), HMAC and random bytes (k6/crypto) for the shared protocol code:
// the plain-JS versions cost 50-100x more in k6's interpreter. Import it before the protocol.
import encoding from "k6/encoding";
import * as k6crypto from "k6/crypto";
import { installPrimitives } from "../../harness/protocol/native-primitives.ts";

// taken once: every use of a Go module's named import makes k6 build the module's exports and
// wrap the function again (an HMAC cost 7-9 us through the import, 3-4 us through a local)
const { b64decode, b64encode } = encoding;
const { hmac, randomBytes } = k6crypto;

/**
 * k6's decoder for the text's alphabet and padding. Go's decoders refuse any character outside
 * their alphabet and any impossible length, but skip line breaks, which are refused here. (A
 * regular expression checking the text first cost 22 us of the 27 us a 600-character body took.)
 */
function decoderFor(text: string): "std" | "rawstd" | "url" | "rawurl" {
  if (text.includes("\n") || text.includes("\r")) throw new Error("line break");
  const urlSafe = text.includes("-") || text.includes("_");
  const padded = text.endsWith("=");
  return urlSafe ? (padded ? "url" : "rawurl") : padded ? "std" : "rawstd";
}

installPrimitives({
  runtime: "k6",
  toBase64: (bytes) => b64encode(bytes as unknown as ArrayBuffer, "std"),
  fromBase64: (text) => {
    try {
      return new Uint8Array(b64decode(text, decoderFor(text)) as ArrayBuffer);
    } catch (e) {
      throw new Error(`invalid base64 text: ${String(e).slice(0, 120)}`);
    }
  },
  hmacSha256: (key, data) => new Uint8Array(hmac("sha256", key as unknown as ArrayBuffer, data as unknown as ArrayBuffer, "binary") as ArrayBuffer),
  randomBytes: (length) => new Uint8Array(randomBytes(length)),
});
