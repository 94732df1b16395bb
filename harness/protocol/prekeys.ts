// Prekeys a user publishes to the relay's directory: one signed prekey and a stock of one-time prekeys.
import { fromBase64, toBase64 } from "./bytes.ts";
import type { OneTimePrekey, SignedPrekey } from "./frames.ts";
import type { Identity } from "./identity.ts";
import { rawFromJwk } from "./identity.ts";
import { generateDhKeyPair, importDhPrivateKey, lazyKey, type PrivateKeyRef } from "./key-agreement.ts";
import { exportRawPublicKey, sign } from "./signatures.ts";

/** An imported signed prekey's private key is imported on first use (lazyKey). */
export interface PrivatePrekey { id: number; privateKey: PrivateKeyRef; publicKey: Uint8Array }

/** A one-time prekey; an imported one keeps its JWK and is imported only when a peer uses it. */
export interface OneTimePrivatePrekey { id: number; publicKey: Uint8Array; privateKey: CryptoKey | null; jwk: JsonWebKey | null }

export interface PrekeyRing {
  signed: PrivatePrekey & { sig: Uint8Array };
  /** One-time prekeys not yet used by any peer; each is deleted when a session consumes it. */
  oneTime: Map<number, OneTimePrivatePrekey>;
  nextOneTimeId: number;
  /** one-time prekeys consumed but kept for a grace period (takeOneTimePrekey), by id; absent until one is */
  spent?: Map<number, { prekey: OneTimePrivatePrekey; until: number }>;
}

export interface PrekeyRingJson {
  signed: { id: number; jwk: JsonWebKey; sig: string };
  oneTime: { id: number; jwk: JsonWebKey }[];
  nextOneTimeId: number;
}

async function newPrekey(id: number): Promise<PrivatePrekey & { privateKey: CryptoKey }> {
  const pair = await generateDhKeyPair();
  return { id, privateKey: pair.privateKey, publicKey: await exportRawPublicKey(pair.publicKey) };
}

export async function createPrekeyRing(identity: Identity, oneTimeCount: number): Promise<PrekeyRing> {
  const signed = await newPrekey(1);
  const ring: PrekeyRing = { signed: { ...signed, sig: await sign(identity.signingKey, signed.publicKey) }, oneTime: new Map(), nextOneTimeId: 1 };
  await addOneTimePrekeys(ring, oneTimeCount);
  return ring;
}

/** Generates `count` fresh one-time prekeys and returns them (to publish). */
export async function addOneTimePrekeys(ring: PrekeyRing, count: number): Promise<OneTimePrivatePrekey[]> {
  const added: OneTimePrivatePrekey[] = [];
  for (let i = 0; i < count; i++) {
    const prekey = { ...(await newPrekey(ring.nextOneTimeId++)), jwk: null };
    ring.oneTime.set(prekey.id, prekey);
    added.push(prekey);
  }
  return added;
}

/** The fields of a `publish_prekeys` frame. */
export function publishFields(identity: Identity, ring: PrekeyRing, oneTime: OneTimePrivatePrekey[] = [...ring.oneTime.values()]): {
  dhKey: string; dhKeySig: string; signedPrekey: SignedPrekey; oneTimePrekeys: OneTimePrekey[];
} {
  return {
    dhKey: toBase64(identity.dhPublic),
    dhKeySig: toBase64(identity.dhPublicSig),
    signedPrekey: { id: ring.signed.id, key: toBase64(ring.signed.publicKey), sig: toBase64(ring.signed.sig) },
    oneTimePrekeys: oneTime.map((p) => ({ id: p.id, key: toBase64(p.publicKey) })),
  };
}

export async function exportPrekeyRing(ring: PrekeyRing): Promise<PrekeyRingJson> {
  const oneTime = [];
  for (const p of ring.oneTime.values()) oneTime.push({ id: p.id, jwk: p.jwk ?? (await crypto.subtle.exportKey("jwk", p.privateKey!)) });
  return {
    signed: { id: ring.signed.id, jwk: await crypto.subtle.exportKey("jwk", await ring.signed.privateKey), sig: toBase64(ring.signed.sig) },
    oneTime,
    nextOneTimeId: ring.nextOneTimeId,
  };
}

export async function importPrekeyRing(json: PrekeyRingJson): Promise<PrekeyRing> {
  const oneTime = new Map<number, OneTimePrivatePrekey>();
  for (const p of json.oneTime) oneTime.set(p.id, { id: p.id, publicKey: rawFromJwk(p.jwk), privateKey: null, jwk: p.jwk });
  const { id, jwk, sig } = json.signed;
  return { signed: { id, privateKey: lazyKey(() => importDhPrivateKey(jwk)), publicKey: rawFromJwk(jwk), sig: fromBase64(sig) }, oneTime, nextOneTimeId: json.nextOneTimeId };
}

/**
 * A prekey ring kept as its JSON text until a peer's key agreement needs it; imported then, and
 * kept from then on (the agreement consumes one-time prekeys). A simulated user needs its ring
 * rarely (its contacts hold earlier sessions) and k6 holds an imported ring in about 20 kB, its
 * text in about 1.5 kB: 10,000 users in k6 would hold 200 MB of rings for nothing.
 */
export class PrekeyRingOnDemand {
  private readonly text: string;
  private imported: Promise<PrekeyRing> | null = null;

  constructor(json: PrekeyRingJson) {
    this.text = JSON.stringify(json);
  }

  /** The ring, imported once and kept. */
  use(): Promise<PrekeyRing> {
    return (this.imported ??= importPrekeyRing(JSON.parse(this.text)));
  }

  /** The ring as it is now, not kept unless it already is (to publish it). */
  current(): Promise<PrekeyRing> {
    return this.imported ?? importPrekeyRing(JSON.parse(this.text));
  }
}

/** The private key of a one-time prekey, imported on first use. */
export async function oneTimePrivateKey(prekey: OneTimePrivatePrekey): Promise<CryptoKey> {
  if (!prekey.privateKey) {
    if (!prekey.jwk) throw new Error(`one-time prekey ${prekey.id} has neither a key nor a JWK`);
    prekey.privateKey = await importDhPrivateKey(prekey.jwk);
  }
  return prekey.privateKey;
}

/**
 * Takes one-time prekey `id` for an incoming key agreement. An unused one is consumed: deleted from
 * the stock and, when `graceMs` > 0, kept as spent until `now + graceMs`, so that a second peer who
 * picked the same one from a bundle published before the consumption (PEP hands out whole bundles,
 * the client picks; OMEMO recommends keeping used keys a while) still agrees a session: `reused`.
 * null: never held, or spent with its grace over (with `graceMs` 0, as on the relay, which hands
 * each out once: any second use).
 */
export function takeOneTimePrekey(ring: PrekeyRing, id: number, graceMs: number, now = Date.now()): { prekey: OneTimePrivatePrekey; reused: boolean } | null {
  if (ring.spent) for (const [spentId, s] of ring.spent) if (s.until < now) ring.spent.delete(spentId);
  const fresh = ring.oneTime.get(id);
  if (fresh) {
    ring.oneTime.delete(id);
    if (graceMs > 0) (ring.spent ??= new Map()).set(id, { prekey: fresh, until: now + graceMs });
    return { prekey: fresh, reused: false };
  }
  const spent = ring.spent?.get(id);
  return spent ? { prekey: spent.prekey, reused: true } : null;
}
