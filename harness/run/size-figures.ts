// What one user, VU, message or stored message costs in memory, measured, and the fixed sanity
// bounds: the one place the size check (size-check.ts) takes its figures from. Each figure says
// where it was measured; re-measure with `npm run bench` (k6 per user, relay per connection) and
// `node --expose-gc --import tsx bench/memory-per-unit.ts` (the rest, well under a minute), then
// update the figure here and in the README's "Sizes a machine can hold".
//
// All figures were taken on the 2-core, 24 GiB machine of the README's bench table (Node 20,
// k6 v2.2.0 with GOGC=400, as the harness runs it). They are per unit and assumed linear: a
// figure measured with 10,000 users is extrapolated to a million, which is what the check needs
// to say "this will not fit", not a promise that the next size down will.

const KiB = 1024;
const MiB = 1024 * KiB;

export const MEMORY_FIGURES = {
  k6: {
    /**
     * k6's resident memory per connected user: 224 KiB. `npm run bench`, row "memory per connected
     * user in k6 (KB RSS)" (bench/main.ts): k6's peak RSS with 10,000 users (opaque, 500 msg/s)
     * minus its peak with the 200 users of the opaque search step, over the 9,800 users between.
     * README, bench table: "memory per connected user, k6 (RSS, GOGC=400) 224 KB".
     */
    bytesPerUser: 224 * KiB,
    /**
     * k6's resident memory per VU (its own JS runtime with the scenario bundle): 2.3 MiB.
     * bench/memory-per-unit.ts: k6 on scenarios/steady.ts with 128 users, 1 VU against 32 VUs,
     * peak RSS; two runs gave 1.2 and 2.3 MiB a VU (94-98 MiB with 1 VU); the larger is kept.
     */
    bytesPerVu: 2_369_602,
    /** k6 with one VU and a small population: 94-98 MiB (the same runs). */
    baseBytes: 100 * MiB,
  },
  relay: {
    /**
     * The reference relay's resident memory per connected, authenticated user: 21 KiB. `npm run
     * bench`, measureRelayMemoryPerConnection (bench/relay-ceiling.ts): 1,000 idle sockets opened
     * after 50, RSS before and after. README, bench table: "relay 21 KB".
     */
    bytesPerConnection: 21 * KiB,
    /**
     * The reference relay's resident memory per stored backlog message (preload-backlog.ts: a
     * 220-byte body, 296 bytes in base64): 1,337 bytes. bench/memory-per-unit.ts: 200,000 messages
     * preloaded after 1,000, RSS before and after; two runs gave 1,067 and 1,337 bytes, the larger
     * is kept (a run of 50,000 gave 1,952: RSS grows in steps). fixtures/relay/README.md has about
     * 650 bytes for 150-byte bodies.
     */
    bytesPerStoredMessage: 1_337,
    /**
     * Bytes of one stored backlog message in the relay's own measure, the one
     * RELAY_MAX_STORED_BYTES bounds (its log line): 420. bench/memory-per-unit.ts, the relay log's
     * size after the same preload over the messages in it.
     */
    storeBytesPerBacklogMessage: 420,
    /** The relay's resident memory at start: 62-63 MiB (the same runs). */
    baseBytes: 64 * MiB,
  },
  harness: {
    /**
     * The harness's heap per generated user, held for the whole scenario (identities, prekeys
     * with 5 one-time prekeys, 5 contacts and their earlier sessions, as run-scenario.ts asks for
     * them): 5,898 bytes. bench/memory-per-unit.ts: generatePopulation of 6,000 users, heap used
     * after a full collection before and after (5,949 with 3,000 users).
     */
    heapBytesPerUser: 5_898,
    /**
     * The harness's heap per message of the run's record (its sent, acked and delivered events
     * and the message record built from them, held for the analysis): 964 bytes.
     * bench/memory-per-unit.ts: 200,000 synthetic messages, heap used before and after.
     */
    heapBytesPerMessage: 964,
    /** The harness's own resident memory during a run, besides the above: about 130 MiB (ps of a run). */
    baseBytes: 150 * MiB,
  },
  /** Two Toxiproxy servers: 17-18 MiB each (ps of a run). */
  toxiproxyBytes: 40 * MiB,
} as const;

/** The share of the machine's memory a run may plan to use (the rest: the system, the page cache, other work). */
export const MACHINE_MEMORY_SHARE = 0.9;
/** The share of the harness's V8 heap limit its population and record may plan to use (the analysis allocates beside them). */
export const HEAP_SHARE = 0.75;

/**
 * Fixed bounds, whatever the machine: a value beyond one is a typo or a run no single machine
 * holds. Each is far beyond what was measured to work.
 */
export const SANITY_BOUNDS = {
  /** 1,000 times the largest population measured (10,000 users in `npm run bench`) */
  users: { max: 10_000_000, why: "1,000 times the largest population measured (10,000 users)" },
  /** k6 runs many users per VU; more VUs than this is a typo */
  vus: { max: 100_000, why: "k6 runs many users per VU (one per 1,250 by default)" },
  /** 38 times the reference relay's measured ceiling (26,048 msg/s), 300 times what k6 sustains on 2 cores */
  rate: { max: 1_000_000, unit: "msg/s", why: "38 times the reference relay's measured ceiling of 26,048 msg/s" },
  /** a week per phase; timers stop working at 24.8 days (2^31 - 1 ms) */
  seconds: { max: 7 * 24 * 3600, why: "a week; the harness's timers cannot wait beyond 24.8 days" },
  /** 100 times the largest backlog the outages suite stores (1,000,000) */
  backlog: { max: 100_000_000, why: "100 times the largest backlog measured (1,000,000 messages)" },
} as const;
