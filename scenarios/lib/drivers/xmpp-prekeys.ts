// Key bundles over PEP (XEP-0163), as OMEMO clients publish theirs: one item on the user's own
// node, open to anyone, holding the project's bundle as JSON with its list of one-time prekeys.
// PEP has no operation that hands each one-time prekey out once: a peer fetching the bundle picks
// one at random (pickOneTimePrekey), and the owner, on consuming it, publishes the bundle again
// without it. Two peers fetching between a pick and that republication may pick the same one; the
// owner keeps consumed ones for a grace period (ONE_TIME_PREKEY_GRACE_MS) so the second still
// agrees a session. An empty list: the agreement falls back to the signed prekey (exhausted).
import type { OneTimePrekey, PrekeyBundle } from "../../../harness/protocol/frames.ts";
import { NS } from "../../../harness/protocol/xmpp/stanzas.ts";
import { childOf, escapeXml, type XmlElement } from "../../../harness/protocol/xmpp/xml.ts";
import type { PublishedPrekeys } from "./server-driver.ts";

export const BUNDLE_NODE = "urn:e2ee-chaos:bundle:1";
export const PUBLISH_IQ_ID = "publish-bundle";
export const FETCH_IQ_PREFIX = "fetch-bundle:";
/**
 * How long an owner keeps a consumed one-time prekey for a peer that picked it from a bundle
 * fetched before the republication (OMEMO, XEP-0384, recommends keeping used ones a while): well
 * beyond a first message's delivery during a surge, short of keeping them for good.
 */
export const ONE_TIME_PREKEY_GRACE_MS = 60_000;

const OPEN_ACCESS = `<publish-options><x xmlns="jabber:x:data" type="submit"><field var="FORM_TYPE" type="hidden"><value>${NS.pubsub}#publish-options</value></field><field var="pubsub#access_model"><value>open</value></field></x></publish-options>`;

export function publishBundleIq(prekeys: PublishedPrekeys): string {
  return `<iq xmlns="${NS.client}" type="set" id="${PUBLISH_IQ_ID}"><pubsub xmlns="${NS.pubsub}"><publish node="${BUNDLE_NODE}"><item id="current"><bundle xmlns="${BUNDLE_NODE}">${escapeXml(JSON.stringify(prekeys))}</bundle></item></publish>${OPEN_ACCESS}</pubsub></iq>`;
}

export function fetchBundleIq(reqId: string, jid: string): string {
  return `<iq xmlns="${NS.client}" type="get" id="${FETCH_IQ_PREFIX}${escapeXml(reqId)}" to="${escapeXml(jid)}"><pubsub xmlns="${NS.pubsub}"><items node="${BUNDLE_NODE}" max_items="1"/></pubsub></iq>`;
}

/** The bundle in a fetch's result, with one of its one-time prekeys picked by `random` (none when its list is empty); null when there is none. */
export function bundleFromItems(iq: XmlElement, userId: string, random: () => number = Math.random): PrekeyBundle | null {
  const bundle = childOf(childOf(childOf(childOf(iq, "pubsub") ?? iq, "items") ?? iq, "item") ?? iq, "bundle", BUNDLE_NODE);
  if (!bundle || !userId) return null;
  let published: PublishedPrekeys;
  try {
    published = JSON.parse(bundle.text) as PublishedPrekeys;
  } catch {
    return null;
  }
  const { signingKey, dhKey, dhKeySig, signedPrekey } = published;
  const offered = Array.isArray(published.oneTimePrekeys) ? published.oneTimePrekeys : [];
  const oneTimePrekey = pickOneTimePrekey(offered, random);
  return { userId, signingKey, dhKey, dhKeySig, signedPrekey, ...(oneTimePrekey ? { oneTimePrekey } : {}), oneTimeRemaining: offered.length - (oneTimePrekey ? 1 : 0) };
}

/** One of `offered` at random, as an OMEMO client picks from a bundle; undefined when there is none. */
export function pickOneTimePrekey(offered: OneTimePrekey[], random: () => number): OneTimePrekey | undefined {
  return offered.length ? offered[Math.min(offered.length - 1, Math.floor(random() * offered.length))] : undefined;
}

/** What to publish after one-time prekey `id` was consumed; null when `published` does not list it. */
export function withoutOneTimePrekey(published: PublishedPrekeys, id: number): PublishedPrekeys | null {
  const oneTimePrekeys = published.oneTimePrekeys.filter((p) => p.id !== id);
  return oneTimePrekeys.length === published.oneTimePrekeys.length ? null : { ...published, oneTimePrekeys };
}
