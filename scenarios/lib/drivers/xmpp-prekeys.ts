// Key bundles over PEP (XEP-0163), as OMEMO clients publish theirs: one item on the user's own
// node, open to anyone, holding the project's bundle as JSON. PEP cannot hand each one-time
// prekey out once (it has no such operation), and two peers using the same one would make the
// second session fail, so the agreement uses the signed prekey alone (Signal's fallback when
// one-time prekeys run out) and none are published.
import type { PrekeyBundle } from "../../../harness/protocol/frames.ts";
import { NS } from "../../../harness/protocol/xmpp/stanzas.ts";
import { childOf, escapeXml, type XmlElement } from "../../../harness/protocol/xmpp/xml.ts";
import type { PublishedPrekeys } from "./server-driver.ts";

export const BUNDLE_NODE = "urn:e2ee-chaos:bundle:1";
export const PUBLISH_IQ_ID = "publish-bundle";
export const FETCH_IQ_PREFIX = "fetch-bundle:";

const OPEN_ACCESS = `<publish-options><x xmlns="jabber:x:data" type="submit"><field var="FORM_TYPE" type="hidden"><value>${NS.pubsub}#publish-options</value></field><field var="pubsub#access_model"><value>open</value></field></x></publish-options>`;

export function publishBundleIq(prekeys: PublishedPrekeys): string {
  return `<iq xmlns="${NS.client}" type="set" id="${PUBLISH_IQ_ID}"><pubsub xmlns="${NS.pubsub}"><publish node="${BUNDLE_NODE}"><item id="current"><bundle xmlns="${BUNDLE_NODE}">${escapeXml(JSON.stringify({ ...prekeys, oneTimePrekeys: [] }))}</bundle></item></publish>${OPEN_ACCESS}</pubsub></iq>`;
}

export function fetchBundleIq(reqId: string, jid: string): string {
  return `<iq xmlns="${NS.client}" type="get" id="${FETCH_IQ_PREFIX}${escapeXml(reqId)}" to="${escapeXml(jid)}"><pubsub xmlns="${NS.pubsub}"><items node="${BUNDLE_NODE}" max_items="1"/></pubsub></iq>`;
}

/** The bundle in a fetch's result (signed prekey only); null when there is none. */
export function bundleFromItems(iq: XmlElement, userId: string): PrekeyBundle | null {
  const bundle = childOf(childOf(childOf(childOf(iq, "pubsub") ?? iq, "items") ?? iq, "item") ?? iq, "bundle", BUNDLE_NODE);
  if (!bundle || !userId) return null;
  let published: PublishedPrekeys;
  try {
    published = JSON.parse(bundle.text) as PublishedPrekeys;
  } catch {
    return null;
  }
  const { signingKey, dhKey, dhKeySig, signedPrekey } = published;
  return { userId, signingKey, dhKey, dhKeySig, signedPrekey, oneTimeRemaining: 0 };
}
