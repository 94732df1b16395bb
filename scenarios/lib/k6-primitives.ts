// Installs k6's native base64 (k6/encoding), HMAC and random bytes (k6/crypto) for the shared protocol code:
// the plain-JS versions cost 50-100x more in k6's interpreter. Import it before the protocol.
import encoding from "k6/encoding";
import { hmac, randomBytes } from "k6/crypto";
import { checkBase64, installPrimitives } from "../../harness/protocol/native-primitives.ts";

installPrimitives({
  runtime: "k6",
  toBase64: (bytes) => encoding.b64encode(bytes as unknown as ArrayBuffer, "std"),
  fromBase64: (text) => {
    checkBase64(text);
    const urlSafe = text.includes("-") || text.includes("_");
    return new Uint8Array(encoding.b64decode(text.replace(/=+$/, ""), urlSafe ? "rawurl" : "rawstd") as ArrayBuffer);
  },
  hmacSha256: (key, data) => new Uint8Array(hmac("sha256", key as unknown as ArrayBuffer, data as unknown as ArrayBuffer, "binary") as ArrayBuffer),
  randomBytes: (length) => new Uint8Array(randomBytes(length)),
});
