// The challenge-response login: the client signs the relay's nonce with its identity key.
import { utf8 } from "./bytes.ts";

export const AUTH_CONTEXT = "e2ee-relay-auth:v1:";

export function authChallengeBytes(nonce: string): Uint8Array {
  return utf8(AUTH_CONTEXT + nonce);
}
