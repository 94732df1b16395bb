// Login identities for the bench's peer clients (Artillery, bare k6): ECDSA P-256 signing keys
// with the relay user id each one logs in as, written as JSON [{ signingKey, userId, pkcs8 }].
import { writeFileSync } from "node:fs";
import { toBase64 } from "../harness/protocol/bytes.ts";
import { exportRawPublicKey, generateSigningKeyPair, userIdFor } from "../harness/protocol/signatures.ts";

export async function writePeerIdentities(path: string, count: number): Promise<void> {
  const ids = [];
  for (let i = 0; i < count; i++) {
    const pair = await generateSigningKeyPair();
    const raw = await exportRawPublicKey(pair.publicKey);
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
    ids.push({ signingKey: toBase64(raw), userId: await userIdFor(raw), pkcs8: toBase64(pkcs8) });
  }
  writeFileSync(path, JSON.stringify(ids));
}
