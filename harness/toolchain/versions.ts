// The one place that pins every external tool and image the harness uses.
// Change a version here and everything (installers, doctor, images, tests) follows.

export const K6_VERSION = "2.2.0";
/** Built from this Go module; harness/toolchain/k6-module pins it (go.mod/go.sum). */
export const K6_MODULE = "go.k6.io/k6/v2";

export const TOXIPROXY_VERSION = "2.12.0";
export const TOXIPROXY_MODULE = "github.com/Shopify/toxiproxy/v2";

/** Validates exported Kubernetes manifests offline (harness/export/k8s); built with `go install`. */
export const KUBECONFORM_VERSION = "0.8.0";
export const KUBECONFORM_MODULE = "github.com/yannh/kubeconform";

/**
 * The XMPP servers' versions in the official images, matching Debian 12's packages (prosody
 * 0.12.3, ejabberd 23.01) that the offline images are built from. The Prosody project publishes
 * prosodyim/prosody (prosody/prosody is its outdated predecessor) per release branch: "0.12" is the
 * newest 0.12.x; ProcessOne publishes ghcr.io/processone/ejabberd per release.
 */
export const PROSODY_IMAGE_TAG = "0.12";
export const EJABBERD_IMAGE_TAG = "23.01";

/** Official images, used where a registry answers. */
export const OFFICIAL_IMAGES = {
  toxiproxy: `ghcr.io/shopify/toxiproxy:${TOXIPROXY_VERSION}`,
  node: "node:20-slim",
  prosody: `prosodyim/prosody:${PROSODY_IMAGE_TAG}`,
  ejabberd: `ghcr.io/processone/ejabberd:${EJABBERD_IMAGE_TAG}`,
} as const;

/** Images the harness builds itself (tagged locally, never pushed). */
export const LOCAL_IMAGES = {
  /** Tagged with a hash of the relay bundle and its build recipe, and :latest, see relay-image.ts. */
  relayRepository: "e2ee-chaos/relay",
  /** The collector of `export k8s` (harness-image.ts), tagged like the relay's. */
  harnessRepository: "e2ee-chaos/harness",
  toxiproxy: `e2ee-chaos/toxiproxy:${TOXIPROXY_VERSION}`,
  /** Tagged with a hash of the installed packages' versions and the recipe, see xmpp-image.ts. */
  prosodyRepository: "e2ee-chaos/prosody",
  ejabberdRepository: "e2ee-chaos/ejabberd",
} as const;

/** Node major version the harness and the relay image run on. */
export const NODE_MAJOR = 20;
