// Where the relay listens and keeps its store inside its image (the reference relay's, or a relay
// under test's): read by the Testcontainers module and by the Kubernetes export alike, so the
// export (and the collector bundled from it) does not load Testcontainers.

/** Container ports of the relay's listeners; each can be cut on its own (through its own Toxiproxy proxy). */
export const RELAY_PORTS = [7001, 7002] as const;
/** RELAY_DATA_DIR in the container: the relay's store and journal */
export const RELAY_DATA_DIR = "/data";
