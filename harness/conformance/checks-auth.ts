// Connection and authentication: challenge, login with a valid signature, a bad signature refused.
import { fromBase64 } from "../protocol/bytes.ts";
import { CLOSE } from "../protocol/frames.ts";
import { createIdentity } from "../protocol/identity.ts";
import type { ConformanceCheck } from "./check.ts";
import { ConformanceClient, show } from "./client.ts";

export const challengeOnConnect: ConformanceCheck = {
  name: "challenge-on-connect",
  expected: "`challenge` with v 1 and a base64 nonce of 32 bytes on connect",
  async run(ctx) {
    const client = await ConformanceClient.open(ctx.wsUrls[0]);
    try {
      const c = client.challenge;
      let nonceBytes = -1;
      try {
        nonceBytes = typeof c.nonce === "string" ? fromBase64(c.nonce).length : -1;
      } catch {
        nonceBytes = -1;
      }
      return { ok: c.v === 1 && nonceBytes === 32, measured: `v ${String(c.v)}, nonce of ${nonceBytes < 0 ? "no valid base64" : `${nonceBytes} bytes`}` };
    } finally {
      client.close();
    }
  },
};

export const loginValidSignature: ConformanceCheck = {
  name: "login-valid-signature",
  expected: "`auth_ok` with the userId derived from the signing key",
  async run(ctx) {
    const identity = await createIdentity();
    const { client, authOk } = await ConformanceClient.login(ctx.wsUrls[0], identity);
    client.close();
    const ok = authOk.userId === identity.userId && typeof authOk.queued === "number";
    return { ok, measured: ok ? `auth_ok, userId matches, queued ${authOk.queued}` : `got ${show(authOk)}, expected userId ${identity.userId}` };
  },
};

export const loginBadSignature: ConformanceCheck = {
  name: "login-bad-signature",
  expected: `close ${CLOSE.authFailed} (authentication failed), no auth_ok`,
  async run(ctx) {
    const client = await ConformanceClient.open(ctx.wsUrls[0]);
    const other = await createIdentity();
    try {
      // signed with another identity's key: the signature does not verify against signingKey
      const authOk = client.authenticate(other.signingKey);
      authOk.catch(() => undefined);
      const closed = await client.waitForClose("after an `auth` with a wrong signature");
      const gotOk = client.frames.some((f) => f.type === "auth_ok");
      return { ok: closed.code === CLOSE.authFailed && !gotOk, measured: `closed with ${closed.code}${gotOk ? ", after an auth_ok" : ""}` };
    } finally {
      client.close();
    }
  },
};
