// The flags of `npm run chaos` (the run command), parsed strictly: an unknown flag or a bad value
// is an InputError naming the flag and what is allowed.
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { InputError } from "../errors.ts";
import { checkRelayEnvironment, relayUnderTestFrom, type RelayUnderTest } from "../environments/relay-under-test.ts";
import { CRYPTO_MODES, type CryptoMode } from "../../scenarios/lib/scenario-settings.ts";
import type { LoadShape } from "../suites/scenario-plan.ts";
import { DURATION_FORMAT, parseDurationMs } from "../timeline/duration.ts";
import { checkTargetFits } from "../targets/target-fits.ts";
import { parseTarget, TARGETS, type TargetName } from "../targets/target.ts";

export interface RunFlags {
  suite: string;
  scenario?: string;
  env?: string;
  tls: boolean;
  k6RawMetrics: boolean;
  /** k6 instances, each with its execution segment, started as the k6-operator starts its runners (--segments; 1: one plain k6) */
  segments: number;
  reportsDir: string;
  /** SLO file (overrides the suite's "slo") */
  slo?: string;
  /** earlier run for relative objectives: a run id under reportsDir, a run folder or its summary.json */
  baseline?: string;
  load: Partial<LoadShape>;
  /** each load setting given as a flag, as the flag was written ("--users 1000000000", "--duration 1h"), for messages */
  loadFlags?: Partial<Record<keyof LoadShape, string>>;
  /** the user's own relay (--relay-command / --relay-image, or their variables); null: the reference relay */
  relay: RelayUnderTest | null;
  /** the server under test for every scenario (--target, or CHAOS_TARGET); undefined: each scenario's own (default relay) */
  target?: { name: TargetName; /** "--target=prosody" or "CHAOS_TARGET=prosody", for messages */ chosenBy: string };
  /** --target-config: the user's own XMPP server configuration, an absolute path to an existing file */
  targetConfig?: string;
  help: boolean;
}

/** Most k6 instances one machine runs: each is a whole k6 (its own JS runtimes, metrics and records). */
export const MAX_SEGMENTS = 64;

export const RUN_HELP = `usage: npm run chaos -- [run] [flags]

Stands up the relay and Toxiproxy, drives E2E-encrypted load with k6, injects the suite's
faults on its timeline, and writes reports/<run-id>/ (summary.json, events, per-message records).

flags:
  --suite NAME|FILE    suite to run: fixtures/suites/NAME.json or a path (default: default)
  --scenario NAME      run only this scenario of the suite; a scenario not in the suite runs
                       alone with its defaults and no faults
  --env KIND           containers | local | auto (default: auto = containers where an engine
                       answers, else local; also CHAOS_ENV)
  --users N            simulated users (overrides the suite and the scenario's defaults); users,
                       VUs, rate x duration and backlogs are checked against this machine's
                       memory before anything starts (too big: exit 2 with the estimate)
  --rate N             messages per second, all users together
  --duration D         sending time per scenario, e.g. 30s, 2m
  --seed N             seed of the social graph and traffic
  --crypto MODE        full | session | opaque: a new key per message (default), one key per
                       session, or random bytes of the same size (pure relay load)
  --vus N              k6 VUs (default: one per ~1,250 users, at least 2)
  --tls                the relay serves wss with a certificate made for the run (target relay only)
  --target NAME        the server under test: ${TARGETS.join(" | ")} (default: the suite's
                       "target" per scenario, else relay; also CHAOS_TARGET). prosody and
                       ejabberd run as containers (the official image, or one built offline from
                       the Debian package) or with --env local from the package (installed on
                       first use where the run is root on Debian); a configuration generated per run
  --target-config FILE your own configuration file for the XMPP server instead of the generated
                       one (with --target prosody or ejabberd)
  --relay-command CMD  test your own relay: the local environment starts CMD through /bin/sh
                       instead of the reference relay (--env local, target relay; also
                       CHAOS_RELAY_COMMAND)
  --relay-image IMAGE  test your own relay image in place of the reference relay's
                       (--env containers; also CHAOS_RELAY_IMAGE); what a relay must do:
                       fixtures/relay/PROTOCOL.md, "What a relay under test must implement"
  --segments N         split the load over N k6 processes (1-${MAX_SEGMENTS}, default 1), started as the
                       k6-operator starts its runners: each its --execution-segment of one shared
                       sequence, paused until every one answers, then one merged event log and verdict
  --k6-raw-metrics     also write k6's raw metric points (k6 --out json) to the scenario folder
  --reports DIR        where run folders go (default: reports)
  --slo FILE           SLO file (JSON, or YAML named .yaml/.yml): objectives the run is judged
                       on (default: the suite's "slo"; npm run chaos -- slo --list lists the figures)
  --baseline RUN       an earlier run (id under --reports, folder or summary.json) for
                       objectives relative to it ("maxRegression")
  -h, --help           this text

exit codes: 0 every objective and check passed, 1 one failed or was unknown (the verdict is in
reports/<run-id>/verdict.json and junit.xml), 2 bad input, 3 environment missing,
130 interrupted (faults healed, everything stopped).`;

export function parseRunFlags(argv: string[]): RunFlags {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        suite: { type: "string" }, scenario: { type: "string" }, env: { type: "string" }, users: { type: "string" },
        rate: { type: "string" }, duration: { type: "string" }, seed: { type: "string" }, crypto: { type: "string" }, vus: { type: "string" }, tls: { type: "boolean" }, "k6-raw-metrics": { type: "boolean" }, segments: { type: "string" },
        reports: { type: "string" }, slo: { type: "string" }, baseline: { type: "string" },
        "relay-command": { type: "string" }, "relay-image": { type: "string" }, target: { type: "string" }, "target-config": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new InputError(`${(e as Error).message}; see npm run chaos -- --help`);
  }
  const load: Partial<LoadShape> = {};
  const loadFlags: Partial<Record<keyof LoadShape, string>> = {};
  for (const [flag, key] of [["users", "users"], ["rate", "rate"], ["vus", "vus"], ["duration", "durationS"], ["seed", "seed"]] as const) {
    const raw = values[flag];
    if (raw !== undefined) loadFlags[key] = `--${flag} ${raw}`;
  }
  const count = (flag: string, raw: string | undefined, min: number): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || !/^\d+(\.\d+)?$/.test(raw)) throw new InputError(`--${flag}=${raw}: allowed: a number >= ${min}`);
    return n;
  };
  const users = count("users", values.users, 2);
  const rate = count("rate", values.rate, 0);
  const seed = count("seed", values.seed, 0);
  if (users !== undefined) load.users = Math.floor(users);
  if (rate !== undefined) load.rate = rate;
  if (seed !== undefined) load.seed = Math.floor(seed);
  const vus = count("vus", values.vus, 1);
  if (vus !== undefined) load.vus = Math.floor(vus);
  if (values.crypto !== undefined) {
    if (!(CRYPTO_MODES as readonly string[]).includes(values.crypto)) throw new InputError(`--crypto=${values.crypto}: allowed: ${CRYPTO_MODES.join(", ")}`);
    load.cryptoMode = values.crypto as CryptoMode;
  }
  if (values.duration !== undefined) {
    const durationMs = parseDurationMs(values.duration);
    if (durationMs === null || durationMs <= 0) throw new InputError(`--duration=${values.duration}: allowed: ${DURATION_FORMAT}, above zero`);
    load.durationS = durationMs / 1000;
  }
  const segments = segmentsFrom(values.segments);
  // --help answers even where the variables would be refused
  const relay = values.help ? null : relayUnderTestFrom({ relayCommand: values["relay-command"], relayImage: values["relay-image"] });
  checkRelayEnvironment(relay, values.env ?? (process.env.CHAOS_ENV || undefined), values.env !== undefined ? "--env" : "CHAOS_ENV");
  const target = values.help ? undefined : targetFrom(values.target);
  const targetConfig = values.help ? undefined : targetConfigFrom(values["target-config"]);
  const tls = values.tls ?? false;
  if (target) checkTargetFits({ target: target.name, chosenBy: target.chosenBy, tls, relay, targetConfig });
  return {
    suite: values.suite ?? "default", scenario: values.scenario, env: values.env, tls, k6RawMetrics: values["k6-raw-metrics"] ?? false, segments, reportsDir: values.reports ?? "reports",
    slo: values.slo, baseline: values.baseline, load, loadFlags, relay, ...(target ? { target } : {}), ...(targetConfig !== undefined ? { targetConfig } : {}), help: values.help ?? false,
  };
}

function segmentsFrom(raw: string | undefined): number {
  if (raw === undefined) return 1;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_SEGMENTS) throw new InputError(`--segments=${raw}: allowed: a whole number from 1 to ${MAX_SEGMENTS}`);
  return n;
}

/** --target, else CHAOS_TARGET (a flag wins over the variable). */
function targetFrom(flag: string | undefined): RunFlags["target"] {
  const raw = flag ?? (process.env.CHAOS_TARGET || undefined);
  if (raw === undefined) return undefined;
  const given = flag !== undefined ? "--target" : "CHAOS_TARGET";
  return { name: parseTarget(raw, given), chosenBy: `${given}=${raw}` };
}

function targetConfigFrom(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  if (!existsSync(file) || !statSync(file).isFile()) throw new InputError(`--target-config ${file}: no such file; allowed: a path to an existing configuration file of the XMPP server (prosody: a .cfg.lua file, ejabberd: a .yml file)`);
  return resolve(file);
}
