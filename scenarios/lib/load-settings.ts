// Settings a scenario reads from the environment the harness gives k6 (`-e NAME=value`),
// with the scenario's own defaults for anything not given.

export interface LoadSettings {
  runId: string;
  populationFile: string;
  endpoints: string;
  users: number;
  usersPerVu: number;
  /** messages per second, all users together */
  rate: number;
  warmupS: number;
  durationS: number;
  drainS: number;
  seed: number;
  backoff: "jitter" | "fixed";
  backoffBaseMs: number;
  backoffCapMs: number;
  connectTimeoutMs: number;
  pingIntervalMs: number;
  silenceTimeoutMs: number;
  paddingBytes: number;
}

export function loadSettings(env: Record<string, string | undefined>, defaults: Partial<LoadSettings>): LoadSettings {
  const num = (name: string, key: keyof LoadSettings, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return (defaults[key] as number | undefined) ?? fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`environment variable ${name}='${raw}' is not a non-negative number`);
    return value;
  };
  const backoff = env.BACKOFF ?? defaults.backoff ?? "jitter";
  if (backoff !== "jitter" && backoff !== "fixed") throw new Error(`BACKOFF='${backoff}': allowed values are jitter, fixed`);
  return {
    runId: env.RUN_ID ?? "adhoc",
    populationFile: env.POPULATION ?? "",
    endpoints: env.ENDPOINTS ?? "",
    users: num("USERS", "users", 100),
    usersPerVu: num("USERS_PER_VU", "usersPerVu", 50),
    rate: num("RATE", "rate", 50),
    warmupS: num("WARMUP_S", "warmupS", 5),
    durationS: num("DURATION_S", "durationS", 60),
    drainS: num("DRAIN_S", "drainS", 10),
    seed: num("SEED", "seed", 1),
    backoff,
    backoffBaseMs: num("BACKOFF_BASE_MS", "backoffBaseMs", 500),
    backoffCapMs: num("BACKOFF_CAP_MS", "backoffCapMs", 10_000),
    connectTimeoutMs: num("CONNECT_TIMEOUT_MS", "connectTimeoutMs", 3000),
    pingIntervalMs: num("PING_INTERVAL_MS", "pingIntervalMs", 1000),
    silenceTimeoutMs: num("SILENCE_TIMEOUT_MS", "silenceTimeoutMs", 4000),
    paddingBytes: num("PADDING_BYTES", "paddingBytes", 64),
  };
}

export function vuCount(settings: LoadSettings): number {
  return Math.max(1, Math.ceil(settings.users / settings.usersPerVu));
}

/** The longest a VU may run: warm-up, sending, drain, and slack for connecting. */
export function maxDurationS(settings: LoadSettings): number {
  return settings.warmupS + settings.durationS + settings.drainS + 30;
}
