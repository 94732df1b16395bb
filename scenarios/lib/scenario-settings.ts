// The one contract between the harness (Node) and the k6 scenarios: every setting with its
// default, the environment variable that carries it into k6, and the canary format. Both
// runtimes import this file; the harness always passes every variable, and k6 run by hand
// falls back to the same defaults.

/**
 * How message bodies are made:
 * - `full`: end-to-end encryption with a new key for every message (symmetric ratchet);
 * - `session`: end-to-end encryption with one AES-256-GCM key per session direction and counter
 *   ivs; keeps confidentiality and integrity, gives up per-message forward secrecy and the
 *   crypto layer's replay refusal (the client's dedupe still drops replays);
 * - `opaque`: random bytes of an envelope's size, not encrypted at all (pure relay load; the
 *   relay cannot tell the difference, and the privacy check is not applicable).
 */
export const CRYPTO_MODES = ["full", "session", "opaque"] as const;
export type CryptoMode = (typeof CRYPTO_MODES)[number];
export const BACKOFF_KINDS = ["jitter", "fixed"] as const;
export type BackoffKind = (typeof BACKOFF_KINDS)[number];

/** The wire protocols the client library speaks: the reference relay's own, and XMPP (RFC 7395). */
export const PROTOCOLS = ["relay", "xmpp"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const SCENARIO_NAMES = ["steady", "flood", "ip-block", "outage", "restart", "degraded", "surge"] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Numeric settings and the k6 environment variable of each. */
export const NUMBER_SETTINGS = {
  users: "USERS",
  /** k6 VUs; 0 = chosen from the number of users (each VU runs many users on its own sockets) */
  vus: "VUS",
  /** messages per second, all users together */
  rate: "RATE",
  warmupS: "WARMUP_S",
  durationS: "DURATION_S",
  drainS: "DRAIN_S",
  seed: "SEED",
  /** people each user writes to */
  contacts: "CONTACTS",
  /** messages queued for offline users before the scenario starts (harness only) */
  backlog: "BACKLOG",
  backoffBaseMs: "BACKOFF_BASE_MS",
  backoffCapMs: "BACKOFF_CAP_MS",
  connectTimeoutMs: "CONNECT_TIMEOUT_MS",
  /** a WebSocket ping after this long without a frame from the relay */
  pingIntervalMs: "PING_INTERVAL_MS",
  /** the connection is declared dead after this long without a frame */
  silenceTimeoutMs: "SILENCE_TIMEOUT_MS",
  paddingBytes: "PADDING_BYTES",
  /** every N-th user starts at a volunteer proxy, as users where the service is blocked do (0: none) */
  proxyEvery: "PROXY_EVERY",
  stormAtS: "STORM_AT_S",
  stormForS: "STORM_FOR_S",
  chainsPerS: "CHAINS_PER_S",
  forwardProbability: "FORWARD_P",
  fanout: "FANOUT",
  maxHops: "MAX_HOPS",
  /** surge: sign-ups per second at the start of the ramp and at its peak (scenarios/surge.ts) */
  surgeFromPerS: "SURGE_FROM_PER_S",
  surgePeakPerS: "SURGE_PEAK_PER_S",
  /** surge: existing users each newcomer fetches the bundle of and writes to */
  surgeContacts: "SURGE_CONTACTS",
  /** surge: one-time prekeys each newcomer publishes */
  surgeOneTimePrekeys: "SURGE_ONE_TIME_PREKEYS",
  /** surge: k6 VUs the sign-ups may use at most (each lives from connect to its contacts' answers) */
  surgeMaxVus: "SURGE_MAX_VUS",
  /** surge: the knee is the sign-up rate at which first-message p95 first exceeds this (harness only) */
  surgeKneeP95Ms: "SURGE_KNEE_P95_MS",
} as const;
export type NumberSetting = keyof typeof NUMBER_SETTINGS;

export const CHOICE_SETTINGS = {
  cryptoMode: { env: "CRYPTO", allowed: CRYPTO_MODES },
  backoff: { env: "BACKOFF", allowed: BACKOFF_KINDS },
} as const;

export type ScenarioSettings = Record<NumberSetting, number> & { cryptoMode: CryptoMode; backoff: BackoffKind };

/** Where a run's k6 process finds its inputs and writes its outputs. */
export const RUN_VARIABLES = {
  runId: "RUN_ID", populationFile: "POPULATION", summaryFile: "SUMMARY_FILE", tlsInsecure: "TLS_INSECURE",
  /** name=url,... in the order clients try them: the service's own addresses first, then volunteer proxies */
  endpoints: "ENDPOINTS",
  /** how many of the first endpoints are the service's own addresses (clients start at one of them, round robin as DNS would) */
  directEndpoints: "DIRECT_ENDPOINTS",
  /** k6 thresholds from the run's SLO objectives marked abortOnFail: JSON, metric -> rules */
  thresholds: "THRESHOLDS",
  /** which protocol the clients speak (TARGET_PROTOCOLS); empty: the reference relay's */
  protocol: "PROTOCOL",
  /** XMPP: the server's domain (the JIDs' domain part) */
  xmppDomain: "XMPP_DOMAIN",
  /** XMPP: the secret each account's password is derived from (harness/protocol/xmpp/jid.ts) */
  xmppSecret: "XMPP_SECRET",
} as const;
export type RunWiring = Record<keyof typeof RUN_VARIABLES, string>;

export const BASE_SETTINGS: ScenarioSettings = {
  users: 100, vus: 0, rate: 40, warmupS: 5, durationS: 60, drainS: 10, seed: 1, contacts: 5, backlog: 0,
  backoffBaseMs: 500, backoffCapMs: 10_000, connectTimeoutMs: 3000, pingIntervalMs: 1000, silenceTimeoutMs: 4000, paddingBytes: 64, proxyEvery: 20,
  stormAtS: 15, stormForS: 10, chainsPerS: 0.5, forwardProbability: 0.5, fanout: 8, maxHops: 4,
  surgeFromPerS: 10, surgePeakPerS: 500, surgeContacts: 3, surgeOneTimePrekeys: 20, surgeMaxVus: 400, surgeKneeP95Ms: 2000,
  cryptoMode: "full", backoff: "jitter",
};

/** Each scenario's own defaults over BASE_SETTINGS; suites and flags override them. */
export const SCENARIO_DEFAULTS: Record<ScenarioName, Partial<ScenarioSettings>> = {
  // no silent-drop fault: pings only keep idle connections honest, and a relay slow to answer
  // after its crash (thousands of users reconnecting at once) is waited for, as a phone's 10 s
  // connect timeout would; at 3 s, 10,000 users made 8,590 attempts that timed out and started over
  steady: { users: 100, rate: 40, durationS: 60, drainS: 10, connectTimeoutMs: 10_000, pingIntervalMs: 10_000, silenceTimeoutMs: 30_000 },
  flood: { users: 200, rate: 20, durationS: 50, drainS: 20, contacts: 8 },
  // every user starts on a direct address, so the block moves them all to the proxies
  "ip-block": { users: 100, rate: 30, durationS: 80, drainS: 15, connectTimeoutMs: 3000, silenceTimeoutMs: 4000, proxyEvery: 0 },
  outage: { users: 300, rate: 30, durationS: 55, drainS: 20, backoffBaseMs: 500, backoffCapMs: 8000 },
  restart: { users: 100, rate: 30, durationS: 50, drainS: 15 },
  degraded: { users: 60, rate: 20, durationS: 75, drainS: 20, silenceTimeoutMs: 8000 },
  surge: { users: 200, rate: 20, durationS: 60, drainS: 20, surgeFromPerS: 10, surgePeakPerS: 500 },
};

export function scenarioSettings(scenario: ScenarioName, ...overrides: Partial<ScenarioSettings>[]): ScenarioSettings {
  return Object.assign({}, BASE_SETTINGS, SCENARIO_DEFAULTS[scenario], ...overrides);
}

/** Users sign in at most this many per second, all VUs together: each imports its keys and logs in (k6 CPU). */
export const SIGN_IN_PER_S = 200;

/** How long the users take to sign in: the first half of the warm-up, or longer for a population too big for that. */
export function signInS(settings: Pick<ScenarioSettings, "users" | "warmupS">): number {
  return Math.max(settings.warmupS / 2, settings.users / SIGN_IN_PER_S);
}

/**
 * Sign-in time beyond the first half of the warm-up: the scenario's clock (its start record, and
 * with it the warm-up, the fault timeline and the phases) starts that much after k6's.
 */
export function signInBeforeClockS(settings: Pick<ScenarioSettings, "users" | "warmupS">): number {
  return signInS(settings) - settings.warmupS / 2;
}

/** k6 VUs for a run: as given, or one per ~1,250 users and at least two (never more than users). */
export function vuCount(settings: Pick<ScenarioSettings, "users" | "vus">): number {
  const wanted = settings.vus > 0 ? settings.vus : Math.max(2, Math.ceil(settings.users / 1250));
  return Math.max(1, Math.min(settings.users, wanted));
}

/** The longest a VU may run: warm-up, sending, drain, and slack for connecting. */
export function maxDurationS(settings: ScenarioSettings): number {
  return signInBeforeClockS(settings) + settings.warmupS + settings.durationS + settings.drainS + 30;
}

/** The k6 environment for a run: every setting, always. */
export function toK6Env(settings: ScenarioSettings, wiring: Partial<RunWiring>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, name] of Object.entries(NUMBER_SETTINGS)) env[name] = String(settings[key as NumberSetting]);
  for (const [key, choice] of Object.entries(CHOICE_SETTINGS)) env[choice.env] = String(settings[key as keyof typeof CHOICE_SETTINGS]);
  for (const [key, name] of Object.entries(RUN_VARIABLES)) {
    const value = wiring[key as keyof RunWiring];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Settings from k6's environment; a variable not given keeps the scenario's default; a bad one throws naming it. */
export function fromK6Env(scenario: ScenarioName, env: Record<string, string | undefined>): ScenarioSettings & RunWiring {
  const settings = scenarioSettings(scenario);
  for (const [key, name] of Object.entries(NUMBER_SETTINGS)) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`environment variable ${name}='${raw}' is not a non-negative number`);
    settings[key as NumberSetting] = value;
  }
  for (const [key, choice] of Object.entries(CHOICE_SETTINGS)) {
    const raw = env[choice.env];
    if (raw === undefined || raw === "") continue;
    if (!(choice.allowed as readonly string[]).includes(raw)) throw new Error(`${choice.env}='${raw}': allowed values are ${choice.allowed.join(", ")}`);
    (settings as Record<string, unknown>)[key] = raw;
  }
  const wiring = Object.fromEntries(Object.entries(RUN_VARIABLES).map(([key, name]) => [key, env[name] ?? ""])) as RunWiring;
  return { ...settings, ...wiring, runId: wiring.runId || "adhoc" };
}

/** Every variable name the contract knows (for validating a suite's k6Env). */
export function knownVariables(): string[] {
  return [...Object.values(NUMBER_SETTINGS), ...Object.values(CHOICE_SETTINGS).map((c) => c.env)];
}

/** The canary a message's plaintext carries: finding it anywhere but in the two clients is a privacy failure. */
export function canaryFor(runId: string, messageId: string): string {
  return `CANARY-${runId}-${messageId}`;
}
export const CANARY_PREFIX = "CANARY-";
