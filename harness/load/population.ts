// Generates the simulated users of a run before k6 starts: real P-256 identities and prekeys
// (node:crypto, see node-keys.ts; the JSON is what the WebCrypto protocol code exports and imports)
// and a seeded social graph, so the same seed gives the same conversations. A generated population
// is kept in a cache file named by its size, seed and format, and read back on the next run.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { InterruptedError } from "../errors.ts";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { newEarlierSession } from "../protocol/earlier-session.ts";
import type { Population, PopulationMember } from "../../scenarios/lib/population.ts";
import { seededRandom, type Random } from "../../scenarios/lib/seeded-random.ts";
import { generateUser, type GeneratedUser } from "./node-keys.ts";
import type { WorkerMessage, WorkerTask } from "./population-worker.ts";

/** Bump when the member JSON, the key generation or socialGraph changes: old cache files are then ignored. */
export const POPULATION_FORMAT = 3;

/** The repo's .cache/populations (git-ignored). */
export const DEFAULT_POPULATION_CACHE = fileURLToPath(new URL("../../.cache/populations", import.meta.url));

export interface PopulationOptions {
  users: number;
  seed: number;
  /** how many people each user writes to */
  contactsPerUser: number;
  /** one-time prekeys each user publishes */
  oneTimePrekeys: number;
  /** called about every 5% or every second while generating, and with (total, total) at the end */
  onProgress?: (done: number, total: number) => void;
  /** folder of cached populations; default DEFAULT_POPULATION_CACHE */
  cacheDir?: string;
  /** false: generate fresh keys and neither read nor write the cache (default true) */
  cache?: boolean;
  /** worker threads generating keys; default one per CPU (at most 8); 1: all in this thread */
  threads?: number;
  /** aborted (Ctrl-C): generation stops at once, the workers are terminated, nothing is cached, and the promise rejects with an InterruptedError */
  signal?: AbortSignal;
}

/** Below this many users per thread, starting a worker (~0.2 s) costs more than it saves. */
const MIN_USERS_PER_THREAD = 250;

/** Each user gets `count` distinct contacts other than itself, chosen by the seeded generator. */
export function socialGraph(users: number, count: number, random: Random): number[][] {
  const k = Math.min(count, users - 1);
  return Array.from({ length: users }, (_, self) => {
    const contacts = new Set<number>();
    while (contacts.size < k) {
      const other = Math.floor(random() * users);
      if (other !== self) contacts.add(other);
    }
    return [...contacts];
  });
}

/** The cache file name (without folder) of a population: everything its content depends on. */
export function populationCacheKey(options: Pick<PopulationOptions, "users" | "seed" | "contactsPerUser" | "oneTimePrekeys">): string {
  return `v${POPULATION_FORMAT}-users${options.users}-seed${options.seed}-contacts${options.contactsPerUser}-otpk${options.oneTimePrekeys}`;
}

export function populationCacheFile(options: PopulationOptions): string {
  return join(options.cacheDir ?? DEFAULT_POPULATION_CACHE, `${populationCacheKey(options)}.json`);
}

/**
 * The population of `options`: read from the cache when a file with the same key is there, else
 * generated (and then cached). The keys are random, so only a cached population repeats them; the
 * social graph depends on the seed alone.
 */
export async function generatePopulation(options: PopulationOptions): Promise<Population> {
  const step = new Stepper(options.signal, () => `population generation of ${options.users} users interrupted`);
  step.check();
  const file = options.cache === false ? null : populationCacheFile(options);
  const cached = file ? await readCachedPopulation(file, options, step) : null;
  if (cached) {
    options.onProgress?.(options.users, options.users);
    return cached;
  }
  const population = await buildPopulation(options, step);
  if (file) await writeCachedPopulation(file, options, population, step);
  return population;
}

/**
 * Lets timers, signals and I/O run about every 50 ms of synchronous work, and throws an
 * InterruptedError there once the signal is aborted: a long loop stays interruptible.
 */
class Stepper {
  private slice = Date.now();
  constructor(
    readonly signal: AbortSignal | undefined,
    private readonly what: () => string,
  ) {}

  check(): void {
    if (this.signal?.aborted) throw new InterruptedError(this.what());
  }

  async step(): Promise<void> {
    if (Date.now() - this.slice < 50) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.slice = Date.now();
    this.check();
  }
}

async function buildPopulation(options: PopulationOptions, step: Stepper): Promise<Population> {
  const graph = socialGraph(options.users, options.contactsPerUser, seededRandom(options.seed));
  const progress = throttledProgress(options.users, options.onProgress);
  const users: GeneratedUser[] = new Array(options.users);
  let done = 0;
  const store = (from: number, batch: GeneratedUser[]) => {
    batch.forEach((user, i) => (users[from + i] = user));
    done += batch.length;
    progress(done);
  };
  const interrupted = new Stepper(options.signal, () => `population generation interrupted after ${done.toLocaleString("en-US")} of ${options.users.toLocaleString("en-US")} users`);
  const threads = Math.min(options.threads ?? Math.min(availableParallelism(), 8), Math.floor(options.users / MIN_USERS_PER_THREAD));
  const left = threads > 1 ? await generateInWorkers(options.users, options.oneTimePrekeys, threads, store, options.signal) : [{ from: 0, to: options.users }];
  interrupted.check();
  for (const range of left) await generateHere(range, options.oneTimePrekeys, store, interrupted);
  const members = users.map((user, index): PopulationMember => ({ index, userId: user.userId, identity: user.identity, prekeys: user.prekeys, contacts: graph[index], sessions: [] }));
  await addEarlierSessions(members, step);
  return { seed: options.seed, members };
}

/** One earlier session per pair of members where either writes to the other (the lower index initiated it). */
async function addEarlierSessions(members: PopulationMember[], step: Stepper): Promise<void> {
  const paired = new Set<string>();
  for (const member of members) {
    for (const contact of member.contacts) {
      const [a, b] = member.index < contact ? [member.index, contact] : [contact, member.index];
      if (paired.has(`${a}.${b}`)) continue;
      paired.add(`${a}.${b}`);
      const [forA, forB] = newEarlierSession(members[a], members[b]);
      members[a].sessions.push(forA);
      members[b].sessions.push(forB);
    }
    await step.step();
  }
}

type Store = (from: number, batch: GeneratedUser[]) => void;
interface Range { from: number; to: number }

/** Generates users [from, to) in this thread, letting the caller's timers, signals and I/O run every 50 ms. */
async function generateHere(range: Range, oneTimePrekeys: number, store: Store, step: Stepper): Promise<void> {
  for (let index = range.from; index < range.to; index++) {
    store(index, [generateUser(oneTimePrekeys)]);
    await step.step();
  }
}

/**
 * Splits the users over `threads` worker threads; returns the ranges a worker could not finish
 * (it did not start, e.g. without tsx, or it failed), which the caller then generates itself.
 * An aborted signal terminates every worker at once (their ranges come back unfinished).
 */
async function generateInWorkers(total: number, oneTimePrekeys: number, threads: number, store: Store, signal?: AbortSignal): Promise<Range[]> {
  const ranges = Array.from({ length: threads }, (_, i): Range => ({ from: Math.floor((total * i) / threads), to: Math.floor((total * (i + 1)) / threads) }));
  const left = await Promise.all(ranges.map((range) => new Promise<Range | null>((resolve) => {
    let next = range.from;
    let worker: Worker;
    try {
      worker = startWorker({ from: range.from, to: range.to, oneTimePrekeys });
    } catch {
      resolve(range);
      return;
    }
    const onAbort = () => finish({ from: next, to: range.to });
    const finish = (result: Range | null) => {
      signal?.removeEventListener("abort", onAbort);
      resolve(result);
      worker.removeAllListeners();
      worker.on("error", () => {});
      void worker.terminate();
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.on("message", (message: WorkerMessage) => {
      if ("done" in message) return finish(next === range.to ? null : { from: next, to: range.to });
      store(message.from, message.users);
      next = message.from + message.users.length;
    });
    worker.on("error", () => finish({ from: next, to: range.to }));
    worker.on("messageerror", () => finish({ from: next, to: range.to }));
    worker.on("exit", () => finish({ from: next, to: range.to }));
  })));
  return left.filter((range): range is Range => range !== null && range.from < range.to);
}

/** population-worker.ts in a worker thread, loaded through tsx (workers do not inherit the parent's TypeScript loader). */
function startWorker(task: WorkerTask): Worker {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api")).href;
  const entry = new URL("./population-worker.ts", import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
  return new Worker(code, { eval: true, workerData: task });
}

/** Calls `onProgress` when another 5% is done or a second has passed, and always at the end. */
function throttledProgress(total: number, onProgress?: (done: number, total: number) => void): (done: number) => void {
  if (!onProgress) return () => {};
  const step = Math.max(1, Math.ceil(total / 20));
  let nextStep = step;
  let last = Date.now();
  return (done) => {
    const now = Date.now();
    if (done < total && done < nextStep && now - last < 1000) return;
    while (nextStep <= done) nextStep += step;
    last = now;
    onProgress(done, total);
  };
}

// The cache file and the run's population.json are each one JSON document written one member per
// line, so neither writing nor reading needs the whole population as one string (V8 strings stop at
// ~512 MiB, about 90,000 users):
//   {"format":1,"users":..,"seed":..,"contactsPerUser":..,"oneTimePrekeys":..,"members":[
//   {member 0},
//   {member 1}
//   ]}
// (population.json starts with {"seed":..,"members":[ instead: the Population type k6 reads.)

function cacheHeader(options: PopulationOptions): string {
  const { users, seed, contactsPerUser, oneTimePrekeys } = options;
  return JSON.stringify({ format: POPULATION_FORMAT, users, seed, contactsPerUser, oneTimePrekeys, members: [] }).slice(0, -2);
}

/** The cached population, or null when there is none or it is unreadable, truncated or of another key. */
async function readCachedPopulation(file: string, options: PopulationOptions, step: Stepper): Promise<Population | null> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  const members: PopulationMember[] = [];
  try {
    const header = cacheHeader(options);
    let start = bytes.indexOf(10);
    if (start < 0 || bytes.toString("utf8", 0, start) !== header) return null;
    start++;
    while (start < bytes.length) {
      let end = bytes.indexOf(10, start);
      if (end < 0) end = bytes.length;
      const line = bytes.toString("utf8", start, end);
      start = end + 1;
      if (line === "]}") break;
      const member = JSON.parse(line.endsWith(",") ? line.slice(0, -1) : line) as PopulationMember;
      if (member.index !== members.length) return null;
      members.push(member);
      await step.step();
    }
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    return null;
  }
  if (members.length !== options.users) return null;
  return { seed: options.seed, members };
}

/** Writes the cache file through a temporary file, so a reader never sees half of one; best effort, but an interrupt is passed on. */
async function writeCachedPopulation(file: string, options: PopulationOptions, population: Population, step: Stepper): Promise<void> {
  try {
    mkdirSync(join(file, ".."), { recursive: true });
    await writeMembers(file, cacheHeader(options), population.members, step);
  } catch (error) {
    // a cache that cannot be written (read-only checkout, full disk) only costs the next run time
    if (error instanceof InterruptedError) throw error;
  }
}

/**
 * The run's population file for k6 (`{"seed":..,"members":[...]}`), one member a line: any size
 * that fits in memory, where one JSON.stringify of the whole stops at about 90,000 users. Written
 * through a temporary file; an aborted signal stops it (InterruptedError) and removes the file.
 */
export async function writePopulationFile(file: string, population: Population, signal?: AbortSignal): Promise<void> {
  const step = new Stepper(signal, () => `writing ${file} interrupted`);
  await writeMembers(file, JSON.stringify({ seed: population.seed, members: [] }).slice(0, -2), population.members, step);
}

async function writeMembers(file: string, header: string, members: PopulationMember[], step: Stepper): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, "w");
    try {
      let chunk = header + "\n";
      for (let i = 0; i < members.length; i++) {
        chunk += JSON.stringify(members[i]) + (i < members.length - 1 ? ",\n" : "\n");
        if (chunk.length >= 1 << 20) {
          writeSync(fd, chunk);
          chunk = "";
          await step.step();
        }
      }
      writeSync(fd, chunk + "]}\n");
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
