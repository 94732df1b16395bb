// Sizes a run cannot hold, refused before anything starts (no tool built, no relay, Toxiproxy or
// k6 started, no run folder): each scenario's users, VUs, rate and duration (the messages it
// records) and backlog against this machine's memory and the harness's heap, with the figures of
// size-figures.ts, then against the relay's store bound and the fixed sanity bounds. A refusal
// is an InputError (exit code 2) that names the flag or the suite file and field, the estimate,
// what this machine has and the most it holds.
import { totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";
import { InputError } from "../errors.ts";
import { readRelayConfig } from "../../fixtures/relay/relay-config.ts";
import { vuCount, type ScenarioSettings } from "../../scenarios/lib/scenario-settings.ts";
import type { ScenarioPlan } from "../suites/scenario-plan.ts";
import type { TargetName } from "../targets/target.ts";
import type { RunFlags } from "./run-flags.ts";
import { HEAP_SHARE, MACHINE_MEMORY_SHARE, MEMORY_FIGURES as F, SANITY_BOUNDS } from "./size-figures.ts";

/** The settings the check looks at. */
export const SIZE_KEYS = ["users", "vus", "rate", "warmupS", "durationS", "drainS", "backlog"] as const;
export type SizeKey = (typeof SIZE_KEYS)[number];

export interface SizedScenario {
  /** the scenario's settings, defaults, suite and flags merged */
  load: ScenarioSettings;
  /** where a size came from, for messages: "--users 1000000000", "fixtures/suites/x.json: scenarios[0].users" */
  origin(key: SizeKey): string;
  /** the reference relay serves the scenario: its memory figures and store bound apply (not to XMPP servers or the user's own relay) */
  referenceRelay: boolean;
  /** the scenario's RELAY_* settings (the suite's "relay") */
  relayEnv: Record<string, string>;
}

export interface Machine {
  memoryBytes: number;
  /** what memoryBytes is, for messages */
  memoryIs: string;
  /** the harness's V8 heap limit */
  heapLimitBytes: number;
}

/** This machine: its memory (or its cgroup's limit, when lower) and Node's heap limit in this process. */
export function thisMachine(): Machine {
  const total = totalmem();
  const constrained = typeof process.constrainedMemory === "function" ? process.constrainedMemory() : 0;
  const limited = constrained > 0 && constrained < total;
  return { memoryBytes: limited ? constrained : total, memoryIs: limited ? "its cgroup's memory limit" : "its memory", heapLimitBytes: getHeapStatistics().heap_size_limit };
}

const NOTHING_STARTED = "nothing was started";
const BIGGER_MACHINE = "use a bigger machine (a run split over machines, k6 execution segments, is not supported yet)";

/** The scenarios of a run as the check sees them: a size given as a flag is named by the flag, else by its suite field, else as the scenario's default. */
export function sizedScenarios(plans: ScenarioPlan[], loads: ScenarioSettings[], targets: TargetName[], flags: Pick<RunFlags, "loadFlags" | "relay">): SizedScenario[] {
  return plans.map((plan, i) => ({
    load: loads[i],
    referenceRelay: targets[i] === "relay" && flags.relay === null,
    relayEnv: plan.relayEnv,
    origin: (key) => {
      const flag = flags.loadFlags?.[key];
      if (flag !== undefined) return flag;
      const where = plan.origin?.where ?? `scenario '${plan.name}'`;
      const field = plan.origin?.fields[key];
      return field !== undefined ? `${where}.${field}` : `${where} (the scenario's default ${key}${key === "vus" ? ": one VU per 1,250 users" : ""})`;
    },
  }));
}

/** Throws an InputError for the first scenario with a size this machine cannot hold or beyond a sanity bound. */
export function checkSizes(scenarios: SizedScenario[], machine: Machine = thisMachine()): void {
  for (const scenario of scenarios) {
    checkMachineMemory(scenario, machine);
    checkHeap(scenario, machine);
    checkRelayStore(scenario);
    checkSanity(scenario);
  }
}

/** What a scenario needs of the machine's memory, part by part (bytes). */
export function memoryEstimate(s: Pick<SizedScenario, "load" | "referenceRelay">): { base: number; users: number; vus: number; backlog: number; messages: number; total: number } {
  const users = s.load.users * userBytes(s.referenceRelay);
  const vus = vuCount(s.load) * F.k6.bytesPerVu;
  const backlog = s.referenceRelay ? s.load.backlog * F.relay.bytesPerStoredMessage : 0;
  const messages = messagesOf(s.load) * F.harness.heapBytesPerMessage;
  const base = F.k6.baseBytes + F.harness.baseBytes + F.toxiproxyBytes + (s.referenceRelay ? F.relay.baseBytes : 0);
  return { base, users, vus, backlog, messages, total: base + users + vus + backlog + messages };
}

function userBytes(referenceRelay: boolean): number {
  return F.k6.bytesPerUser + (referenceRelay ? F.relay.bytesPerConnection : 0) + F.harness.heapBytesPerUser;
}

/** The messages a scenario sends, all of which the harness holds for its analysis. */
function messagesOf(load: ScenarioSettings): number {
  return load.rate * load.durationS;
}

type Part = "users" | "vus" | "backlog" | "messages";

/**
 * The most of one part (users, VUs, stored messages, messages) that fits in both the machine's
 * memory and the harness's heap with the scenario's other sizes as they are; with VUs chosen from
 * the users (the default), each user brings its share of a VU.
 */
function mostOf(part: Part, s: SizedScenario, m: Machine): { n: number; by: "machine" | "heap" } {
  const estimate = memoryEstimate(s);
  const defaultVus = s.load.vus === 0;
  const machineUnit = { users: userBytes(s.referenceRelay) + (defaultVus ? F.k6.bytesPerVu / 1250 : 0), vus: F.k6.bytesPerVu, backlog: F.relay.bytesPerStoredMessage, messages: F.harness.heapBytesPerMessage }[part];
  const machineOthers = estimate.total - estimate[part] - (part === "users" && defaultVus ? estimate.vus : 0);
  const machine = (m.memoryBytes * MACHINE_MEMORY_SHARE - machineOthers) / machineUnit;
  const heapUnit = { users: F.harness.heapBytesPerUser, vus: 0, backlog: 0, messages: F.harness.heapBytesPerMessage }[part];
  if (heapUnit === 0) return { n: machine, by: "machine" };
  const heapOthers = part === "users" ? messagesOf(s.load) * F.harness.heapBytesPerMessage : s.load.users * F.harness.heapBytesPerUser;
  const heap = (m.heapLimitBytes * HEAP_SHARE - heapOthers) / heapUnit;
  return heap < machine ? { n: heap, by: "heap" } : { n: machine, by: "machine" };
}

/** "at most about 87,000 users here", and which limit binds when it is not the one the message is about. */
function mostText(part: Part, s: SizedScenario, m: Machine, about: "machine" | "heap"): string {
  const most = mostOf(part, s, m);
  const unit = { users: "users", vus: "VUs", backlog: "messages", messages: "msg/s" }[part];
  const n = part === "messages" ? most.n / s.load.durationS : most.n;
  const binds = most.by === about ? "" : most.by === "heap" ? ` (the harness's heap limit of ${bytesText(m.heapLimitBytes)} binds first)` : " (the machine's memory binds first)";
  return `${atMost(n, unit)}${part === "messages" ? " for this duration" : ""}${binds}`;
}

function checkMachineMemory(s: SizedScenario, m: Machine): void {
  const estimate = memoryEstimate(s);
  if (estimate.total <= m.memoryBytes * MACHINE_MEMORY_SHARE) return;
  const { load } = s;
  const has = `this machine has ${bytesText(m.memoryBytes)} (${m.memoryIs}; a run may plan on ${MACHINE_MEMORY_SHARE * 100}% of it)`;
  const largest = (["users", "vus", "backlog", "messages"] as const).reduce((a, b) => (estimate[b] > estimate[a] ? b : a));
  if (largest === "users") {
    const k6 = load.users * F.k6.bytesPerUser;
    const relay = s.referenceRelay ? load.users * F.relay.bytesPerConnection : 0;
    const harness = load.users * F.harness.heapBytesPerUser;
    refuse(`${s.origin("users")}: ${count(load.users)} users need about ${bytesText(k6)} of k6 memory (${bytesText(F.k6.bytesPerUser)} a user)` +
      `${relay ? `, ${bytesText(relay)} in the relay` : ""} and ${bytesText(harness)} in the harness; ${has}; ${mostText("users", s, m, "machine")}; ${BIGGER_MACHINE}`);
  }
  if (largest === "vus") {
    refuse(`${s.origin("vus")}: ${count(vuCount(load))} k6 VUs need about ${bytesText(estimate.vus)} of k6 memory (${bytesText(F.k6.bytesPerVu)} a VU, each its own JavaScript runtime); ${has}; ` +
      `${mostText("vus", s, m, "machine")}; each VU runs many users (by default one VU per 1,250 users)`);
  }
  if (largest === "backlog") {
    refuse(`${s.origin("backlog")}: a backlog of ${count(load.backlog)} messages needs about ${bytesText(estimate.backlog)} of the relay's memory (${bytesText(F.relay.bytesPerStoredMessage)} a stored message); ${has}; ` +
      `${mostText("backlog", s, m, "machine")}; ${BIGGER_MACHINE}`);
  }
  refuse(`${s.origin("rate")} for ${s.origin("durationS")}: ${count(messagesOf(load))} messages need about ${bytesText(estimate.messages)} of the harness's memory for the run's record (${bytesText(F.harness.heapBytesPerMessage)} a message); ${has}; ` +
    `${mostText("messages", s, m, "machine")}; lower the rate or the duration`);
}

function checkHeap(s: SizedScenario, m: Machine): void {
  const { load } = s;
  const users = load.users * F.harness.heapBytesPerUser;
  const messages = messagesOf(load) * F.harness.heapBytesPerMessage;
  if (users + messages <= m.heapLimitBytes * HEAP_SHARE) return;
  const has = `the harness's heap limit is ${bytesText(m.heapLimitBytes)} (a run may plan on ${HEAP_SHARE * 100}% of it; raise it with NODE_OPTIONS=--max-old-space-size=<MiB>, within the machine's memory)`;
  if (users >= messages) {
    refuse(`${s.origin("users")}: ${count(load.users)} users need about ${bytesText(users)} of the harness's heap for the population (${bytesText(F.harness.heapBytesPerUser)} a user)` +
      `${messages > 0 ? ` beside ${bytesText(messages)} for the run's record` : ""}; ${has}; ${mostText("users", s, m, "heap")}`);
  }
  refuse(`${s.origin("rate")} for ${s.origin("durationS")}: ${count(messagesOf(load))} messages need about ${bytesText(messages)} of the harness's heap for the run's record (${bytesText(F.harness.heapBytesPerMessage)} a message)` +
    ` beside ${bytesText(users)} for the population; ${has}; ${mostText("messages", s, m, "heap")}`);
}

/** A backlog beyond the reference relay's RELAY_MAX_STORED_BYTES ends the preload with store_full after minutes of work. */
function checkRelayStore(s: SizedScenario): void {
  if (!s.referenceRelay || s.load.backlog === 0) return;
  let maxStoredBytes: number;
  try {
    maxStoredBytes = readRelayConfig({ ...s.relayEnv }).maxStoredBytes;
  } catch {
    return; // a bad RELAY_* value: the relay itself says so (exit code 2) when it starts
  }
  const needs = s.load.backlog * F.relay.storeBytesPerBacklogMessage;
  if (needs <= maxStoredBytes) return;
  const set = s.relayEnv.RELAY_MAX_STORED_BYTES !== undefined ? "as the scenario's \"relay\" sets it" : "its default";
  refuse(`${s.origin("backlog")}: a backlog of ${count(s.load.backlog)} messages is about ${bytesText(needs)} in the relay's store (${F.relay.storeBytesPerBacklogMessage} bytes a message as the relay counts them), ` +
    `beyond its RELAY_MAX_STORED_BYTES of ${bytesText(maxStoredBytes)} (${set}): the preload would end in store_full; ${atMost(maxStoredBytes / F.relay.storeBytesPerBacklogMessage, "messages")} with it, or raise RELAY_MAX_STORED_BYTES in the scenario's "relay"`);
}

function checkSanity(s: SizedScenario): void {
  const { load } = s;
  const beyond = (key: SizeKey, value: number, bound: { max: number; why: string }, unit: string) => {
    if (value > bound.max) refuse(`${s.origin(key)}: ${count(value)} ${unit} is beyond the sanity bound; allowed: at most ${count(bound.max)} (${bound.why})`);
  };
  beyond("users", load.users, SANITY_BOUNDS.users, "users");
  if (load.vus > 0) beyond("vus", load.vus, SANITY_BOUNDS.vus, "VUs");
  beyond("rate", load.rate, SANITY_BOUNDS.rate, "msg/s");
  for (const key of ["warmupS", "durationS", "drainS"] as const) beyond(key, load[key], SANITY_BOUNDS.seconds, "seconds");
  beyond("backlog", load.backlog, SANITY_BOUNDS.backlog, "messages");
}

function refuse(message: string): never {
  throw new InputError(`${message}; ${NOTHING_STARTED}`);
}

/** "at most about 87,000 users here": rounded down to two significant digits. */
function atMost(n: number, unit: string): string {
  if (!(n >= 1)) return `no room for any ${unit} here beside the run's other sizes`;
  const digits = Math.floor(Math.log10(n)) + 1;
  const step = digits > 2 ? 10 ** (digits - 2) : 1;
  return `at most about ${count(Math.floor(n / step) * step)} ${unit} here`;
}

function count(n: number): string {
  return Math.round(n * 100) / 100 === Math.round(n) ? Math.round(n).toLocaleString("en-US") : n.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/** Bytes in binary units with three significant digits: "224 KiB", "209 TiB", "5.36 GiB". */
export function bytesText(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value).toLocaleString("en-US")} bytes`;
  return `${Number(value.toPrecision(3)).toLocaleString("en-US")} ${units[unit]}`;
}
