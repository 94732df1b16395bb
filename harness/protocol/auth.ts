// The challenge-response login: the client signs the relay's nonce with its identity key.
import { toBase64, utf8 } from "./bytes.ts";
import { encodeFrame } from "./frames.ts";
import type { Identity } from "./identity.ts";
import { sign } from "./signatures.ts";

export const AUTH_CONTEXT = "e2ee-relay-auth:v1:";

export function authChallengeBytes(nonce: string): Uint8Array {
  return utf8(AUTH_CONTEXT + nonce);
}

/** The `auth` frame answering the challenge `nonce`: the identity's public signing key and its signature over the challenge. */
export async function authFrame(identity: Pick<Identity, "signingKey" | "signingPublic">, nonce: string): Promise<string> {
  return encodeFrame({ type: "auth", v: 1, signingKey: toBase64(identity.signingPublic), signature: toBase64(await sign(identity.signingKey, authChallengeBytes(nonce))) });
}
