// Generates the simulated users of a run before k6 starts: real P-256 identities and prekeys
// (node:crypto, see node-keys.ts; the JSON is what the WebCrypto protocol code exports and imports)
// and a seeded social graph, so the same seed gives the same conversations. A generated population
// is kept in a cache file named by its size, seed and format, and read back on the next run.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
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
  const file = options.cache === false ? null : populationCacheFile(options);
  const cached = file ? readCachedPopulation(file, options) : null;
  if (cached) {
    options.onProgress?.(options.users, options.users);
    return cached;
  }
  const population = await buildPopulation(options);
  if (file) writeCachedPopulation(file, options, population);
  return population;
}

async function buildPopulation(options: PopulationOptions): Promise<Population> {
  const graph = socialGraph(options.users, options.contactsPerUser, seededRandom(options.seed));
  const progress = throttledProgress(options.users, options.onProgress);
  const users: GeneratedUser[] = new Array(options.users);
  let done = 0;
  const store = (from: number, batch: GeneratedUser[]) => {
    batch.forEach((user, i) => (users[from + i] = user));
    done += batch.length;
    progress(done);
  };
  const threads = Math.min(options.threads ?? Math.min(availableParallelism(), 8), Math.floor(options.users / MIN_USERS_PER_THREAD));
  const left = threads > 1 ? await generateInWorkers(options.users, options.oneTimePrekeys, threads, store) : [{ from: 0, to: options.users }];
  for (const range of left) await generateHere(range, options.oneTimePrekeys, store);
  const members = users.map((user, index): PopulationMember => ({ index, userId: user.userId, identity: user.identity, prekeys: user.prekeys, contacts: graph[index], sessions: [] }));
  addEarlierSessions(members);
  return { seed: options.seed, members };
}

/** One earlier session per pair of members where either writes to the other (the lower index initiated it). */
function addEarlierSessions(members: PopulationMember[]): void {
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
  }
}

type Store = (from: number, batch: GeneratedUser[]) => void;
interface Range { from: number; to: number }

/** Generates users [from, to) in this thread, letting the caller's timers, signals and I/O run every 50 ms. */
async function generateHere(range: Range, oneTimePrekeys: number, store: Store): Promise<void> {
  let slice = Date.now();
  for (let index = range.from; index < range.to; index++) {
    store(index, [generateUser(oneTimePrekeys)]);
    if (Date.now() - slice >= 50) {
      await new Promise((resolve) => setImmediate(resolve));
      slice = Date.now();
    }
  }
}

/**
 * Splits the users over `threads` worker threads; returns the ranges a worker could not finish
 * (it did not start, e.g. without tsx, or it failed), which the caller then generates itself.
 */
async function generateInWorkers(total: number, oneTimePrekeys: number, threads: number, store: Store): Promise<Range[]> {
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
    const finish = (result: Range | null) => {
      resolve(result);
      worker.removeAllListeners();
      worker.on("error", () => {});
      void worker.terminate();
    };
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

// The cache file is one JSON document written one member per line, so neither writing nor reading
// needs the whole population as one string (V8 strings stop at ~512 MiB, about 90,000 users):
//   {"format":1,"users":..,"seed":..,"contactsPerUser":..,"oneTimePrekeys":..,"members":[
//   {member 0},
//   {member 1}
//   ]}

function cacheHeader(options: PopulationOptions): string {
  const { users, seed, contactsPerUser, oneTimePrekeys } = options;
  return JSON.stringify({ format: POPULATION_FORMAT, users, seed, contactsPerUser, oneTimePrekeys, members: [] }).slice(0, -2);
}

/** The cached population, or null when there is none or it is unreadable, truncated or of another key. */
function readCachedPopulation(file: string, options: PopulationOptions): Population | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  try {
    const header = cacheHeader(options);
    let start = bytes.indexOf(10);
    if (start < 0 || bytes.toString("utf8", 0, start) !== header) return null;
    start++;
    const members: PopulationMember[] = [];
    while (start < bytes.length) {
      let end = bytes.indexOf(10, start);
      if (end < 0) end = bytes.length;
      const line = bytes.toString("utf8", start, end);
      start = end + 1;
      if (line === "]}") break;
      const member = JSON.parse(line.endsWith(",") ? line.slice(0, -1) : line) as PopulationMember;
      if (member.index !== members.length) return null;
      members.push(member);
    }
    if (members.length !== options.users) return null;
    return { seed: options.seed, members };
  } catch {
    return null;
  }
}

/** Writes the cache file through a temporary file, so a reader never sees half of one; best effort. */
function writeCachedPopulation(file: string, options: PopulationOptions, population: Population): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(join(file, ".."), { recursive: true });
    const fd = openSync(temporary, "w");
    try {
      let chunk = cacheHeader(options) + "\n";
      population.members.forEach((member, i) => {
        chunk += JSON.stringify(member) + (i < population.members.length - 1 ? ",\n" : "\n");
        if (chunk.length >= 1 << 20) {
          writeSync(fd, chunk);
          chunk = "";
        }
      });
      writeSync(fd, chunk + "]}\n");
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch {
    // a cache that cannot be written (read-only checkout, full disk) only costs the next run time
    rmSync(temporary, { force: true });
  }
}
