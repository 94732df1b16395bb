// One-time prekeys picked by peers from a published bundle (XMPP's PEP, as OMEMO clients do):
// two peers holding the same stale bundle may pick the same one; the owner accepts the second use
// within its grace and refuses it after, while without a grace (the relay's case) any second use
// is refused. The bundle is parsed from a real pubsub result stanza.
import { describe, expect, it } from "vitest";
import { fromUtf8, toBase64, utf8 } from "../../harness/protocol/bytes.ts";
import { decodeEnvelope } from "../../harness/protocol/envelope.ts";
import { createIdentity, type Identity } from "../../harness/protocol/identity.ts";
import { createPrekeyRing, publishFields, takeOneTimePrekey, type PrekeyRing } from "../../harness/protocol/prekeys.ts";
import { SessionManager, type OneTimePrekeyPolicy } from "../../harness/protocol/session.ts";
import type { OneTimePrekeyUse } from "../../harness/protocol/x3dh.ts";
import { NS } from "../../harness/protocol/xmpp/stanzas.ts";
import { escapeXml, parseXmlElement } from "../../harness/protocol/xmpp/xml.ts";
import type { PublishedPrekeys } from "../../scenarios/lib/drivers/server-driver.ts";
import { BUNDLE_NODE, bundleFromItems, withoutOneTimePrekey } from "../../scenarios/lib/drivers/xmpp-prekeys.ts";

/** A pubsub items result holding `published`, as the server answers a fetch */
function fetchResult(published: PublishedPrekeys) {
  const xml = `<iq xmlns="${NS.client}" type="result" id="fetch-bundle:f1" from="owner@example.test"><pubsub xmlns="${NS.pubsub}"><items node="${BUNDLE_NODE}"><item id="current"><bundle xmlns="${BUNDLE_NODE}">${escapeXml(JSON.stringify(published))}</bundle></item></items></pubsub></iq>`;
  return parseXmlElement(xml)!;
}

async function owner(oneTime: number, graceMs: number) {
  const identity = await createIdentity();
  const ring = await createPrekeyRing(identity, oneTime);
  const published: PublishedPrekeys = { signingKey: toBase64(identity.signingPublic), ...publishFields(identity, ring) };
  const uses: OneTimePrekeyUse[] = [];
  const policy: OneTimePrekeyPolicy = { graceMs, used: (use) => uses.push(use) };
  const sessions = new SessionManager(identity, ring, () => Promise.reject(new Error("the owner fetches nothing")), "full", policy);
  return { identity, ring, published, uses, sessions };
}

/** A peer that fetched `published` and picked with `random`; returns its first message's body. */
async function firstMessageFrom(published: PublishedPrekeys, ownerId: string, random: () => number, id: string) {
  const me: Identity = await createIdentity();
  const bundle = bundleFromItems(fetchResult(published), ownerId, random)!;
  const sessions = new SessionManager(me, await createPrekeyRing(me, 0), () => Promise.resolve(bundle));
  return { me, bundle, body: await sessions.encrypt(ownerId, id, utf8(`hello from ${id}`)) };
}

describe("one-time prekeys picked from a published bundle", () => {
  it("a fetched bundle offers one of its listed one-time prekeys, picked at random; an empty list falls back to the signed prekey", async () => {
    const o = await owner(4, 0);
    const picked = [0, 0.26, 0.5, 0.99].map((r) => bundleFromItems(fetchResult(o.published), o.identity.userId, () => r)!.oneTimePrekey?.id);
    expect(picked).toEqual([1, 2, 3, 4]);
    expect(bundleFromItems(fetchResult(o.published), o.identity.userId, () => 0)!.oneTimeRemaining).toBe(3);
    const empty = bundleFromItems(fetchResult({ ...o.published, oneTimePrekeys: [] }), o.identity.userId, () => 0)!;
    expect(empty.oneTimePrekey).toBeUndefined();
    expect(empty.oneTimeRemaining).toBe(0);
  });

  it("the bundle published again after a use lists every one-time prekey but that one", async () => {
    const o = await owner(3, 0);
    expect(withoutOneTimePrekey(o.published, 2)!.oneTimePrekeys.map((p) => p.id)).toEqual([1, 3]);
    expect(withoutOneTimePrekey(withoutOneTimePrekey(o.published, 2)!, 2)).toBeNull();
  });

  it("two peers that picked the same one from the same bundle both agree a session within the grace; the second use is counted as reused", async () => {
    const o = await owner(3, 60_000);
    const a = await firstMessageFrom(o.published, o.identity.userId, () => 0.4, "a1");
    const b = await firstMessageFrom(o.published, o.identity.userId, () => 0.5, "b1");
    expect(decodeEnvelope(a.body)!.init!.opk).toBe(2);
    expect(decodeEnvelope(b.body)!.init!.opk).toBe(2);
    expect(fromUtf8(await o.sessions.decrypt(a.me.userId, "a1", a.body))).toBe("hello from a1");
    expect(fromUtf8(await o.sessions.decrypt(b.me.userId, "b1", b.body))).toBe("hello from b1");
    expect(o.uses).toEqual([{ id: 2, reused: false }, { id: 2, reused: true }]);
    expect([...o.ring.oneTime.keys()]).toEqual([1, 3]);
  });

  it("after the grace the second use is refused, naming the prekey", async () => {
    const o = await owner(2, 20);
    const a = await firstMessageFrom(o.published, o.identity.userId, () => 0, "a1");
    const b = await firstMessageFrom(o.published, o.identity.userId, () => 0, "b1");
    await o.sessions.decrypt(a.me.userId, "a1", a.body);
    await new Promise((r) => setTimeout(r, 60));
    await expect(o.sessions.decrypt(b.me.userId, "b1", b.body)).rejects.toThrow(/one-time prekey 1 is unknown or already used \(and its grace of 20 ms over\)/);
    expect(o.uses).toEqual([{ id: 1, reused: false }]);
  });

  it("without a grace (the server hands each out once) a consumed one-time prekey is gone at once", async () => {
    const identity = await createIdentity();
    const ring: PrekeyRing = await createPrekeyRing(identity, 2);
    expect(takeOneTimePrekey(ring, 1, 0)?.reused).toBe(false);
    expect(takeOneTimePrekey(ring, 1, 0)).toBeNull();
    expect(ring.spent).toBeUndefined();
    expect(takeOneTimePrekey(ring, 2, 1000, 5000)?.reused).toBe(false);
    expect(takeOneTimePrekey(ring, 2, 1000, 6000)?.reused).toBe(true);
    expect(takeOneTimePrekey(ring, 2, 1000, 6001)).toBeNull();
  });
});
