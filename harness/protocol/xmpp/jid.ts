// A population member as an XMPP account. XMPP folds a localpart to lower case (nodeprep), so the
// base64url userId (16 bytes, mixed case) becomes its hex form, which maps back exactly. The
// password is derived from a per-run secret the harness registered the accounts with.
import { bytesToHex, fromBase64, hexToBytes, toBase64Url } from "../bytes.ts";

export function localpartOf(userId: string): string {
  return bytesToHex(fromBase64(userId));
}

export function userIdOfLocalpart(localpart: string): string {
  return toBase64Url(hexToBytes(localpart));
}

export function jidOf(userId: string, domain: string): string {
  return `${localpartOf(userId)}@${domain}`;
}

/** The userId of a JID (`local@domain/resource`); null when its local part is not one of ours. */
export function userIdOfJid(jid: string): string | null {
  const at = jid.indexOf("@");
  const local = at > 0 ? jid.slice(0, at) : "";
  return /^(?:[0-9a-f]{2})+$/.test(local) ? userIdOfLocalpart(local) : null;
}

export function passwordFor(secret: string, userId: string): string {
  return `${secret}.${localpartOf(userId)}`;
}
