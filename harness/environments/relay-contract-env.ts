// The environment variables every relay the harness starts gets (the reference relay and a relay
// under test alike, as a local process or a container): where to listen, where to keep its data,
// and the TLS files with --tls. A relay under test must honour them (fixtures/relay/PROTOCOL.md,
// "What a relay under test must implement"); the suite's RELAY_* limits come on top.

export interface ListenAddress { host: string; port: number }

export function relayContractEnv(listen: readonly ListenAddress[], dataDir: string, tls: { certFile: string; keyFile: string } | null): Record<string, string> {
  return {
    // every address must be served: each network path leads to one of them
    RELAY_LISTEN: listen.map((a) => `${a.host}:${a.port}`).join(","),
    // the same ports one by one, for a command line ("--port $RELAY_PORT")
    ...Object.fromEntries(listen.map((a, i) => [i === 0 ? "RELAY_PORT" : `RELAY_PORT_${i + 1}`, String(a.port)])),
    // kept across restarts and crashes within a scenario; a fresh empty folder per scenario
    RELAY_DATA_DIR: dataDir,
    // optional for a relay under test: a journal of what it did with each message, at GET /journal
    RELAY_JOURNAL: "1",
    ...(tls ? { RELAY_TLS_CERT: tls.certFile, RELAY_TLS_KEY: tls.keyFile } : {}),
  };
}
