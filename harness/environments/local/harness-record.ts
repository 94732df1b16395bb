// This harness's record in the runtime folder (runtime-dir.ts): every process it started (pid,
// whether its whole process group counts, start time) and the temporary folders its servers keep,
// rewritten at every start and exit. While the harness runs nobody touches them; once it is gone
// however it ended, the lifeline watchdog (lifeline.ts), `npm run chaos -- clean` and the next run
// end what the record still lists (local-leftovers.ts). A run that ends cleanly leaves no record.
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isMainThread, threadId } from "node:worker_threads";
import { ensureLifelineWatchdog } from "./lifeline.ts";
import { bootId, processStartTime } from "./process-identity.ts";
import { ensureRuntimeDir, runtimeDir } from "./runtime-dir.ts";

export interface RecordedProcess {
  /** what it is, in messages: relay, relay command, toxiproxy-server, k6, prosody, ejabberd */
  name: string;
  pid: number;
  /** its whole process group (it leads one) and their descendants belong to the run */
  group: boolean;
  /** process-identity.ts's token; null where it could not be read */
  startTime: string | null;
  /** when it was started (ISO), for messages */
  startedAt: string;
}

export interface HarnessRecord {
  harness: { pid: number; startTime: string | null; bootId: string | null; startedAt: string; command: string[] };
  processes: RecordedProcess[];
  /** temporary folders (a server's data directory) removed once the processes are gone */
  directories: string[];
}

const RECORD_PREFIX = "harness-";

let own: HarnessRecord | null = null;
let warned = false;

/** This process's record file (it exists only while the record lists something); a worker thread keeps its own. */
export function ownRecordFile(): string {
  return join(runtimeDir(), `${RECORD_PREFIX}${process.pid}${isMainThread ? "" : `-thread-${threadId}`}.json`);
}

/** Checks that the runtime folder can take the record: before a process starts, not after. */
export function prepareRecord(): void {
  ensureRuntimeDir();
}

export function recordProcess(entry: { name: string; pid: number; group: boolean }): RecordedProcess {
  const recorded: RecordedProcess = { ...entry, startTime: processStartTime(entry.pid), startedAt: new Date().toISOString() };
  ownRecord().processes.push(recorded);
  save();
  return recorded;
}

export function forgetProcess(recorded: RecordedProcess): void {
  if (!own) return;
  own.processes = own.processes.filter((p) => p !== recorded);
  save();
}

export function recordDirectory(path: string): void {
  ownRecord().directories.push(path);
  save();
}

export function forgetDirectory(path: string): void {
  if (!own) return;
  own.directories = own.directories.filter((d) => d !== path);
  save();
}

/** Drops every process from the record (they were just sent SIGKILL, on the harness's way out); folders stay for the watchdog. */
export function forgetAllProcesses(): void {
  if (!own || own.processes.length === 0) return;
  own.processes = [];
  save();
}

/** The processes this harness recorded and has not seen end yet. */
export function recordedProcesses(): readonly RecordedProcess[] {
  return own?.processes ?? [];
}

/** The records in `dir` (every harness's, this one's too), or why one could not be read. */
export function readRecords(dir = runtimeDir()): { file: string; record: HarnessRecord | null; error?: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(RECORD_PREFIX) && n.endsWith(".json"));
  } catch {
    return []; // no folder yet: nothing was ever recorded
  }
  return names.sort().map((name) => {
    const file = join(dir, name);
    try {
      const record = JSON.parse(readFileSync(file, "utf8")) as HarnessRecord;
      if (typeof record.harness?.pid !== "number" || !Array.isArray(record.processes)) throw new Error("not a harness record");
      return { file, record: { ...record, directories: record.directories ?? [] } };
    } catch (error) {
      return { file, record: null, error: (error as Error).message };
    }
  });
}

function ownRecord(): HarnessRecord {
  own ??= {
    harness: {
      pid: process.pid,
      startTime: processStartTime(process.pid),
      bootId: bootId(),
      startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
      command: process.argv.slice(1),
    },
    processes: [],
    directories: [],
  };
  return own;
}

/** Writes the record (write and rename: a reader never sees half of it), or removes it once empty. */
function save(): void {
  if (!own) return;
  const file = ownRecordFile();
  try {
    if (own.processes.length === 0 && own.directories.length === 0) {
      rmSync(file, { force: true });
      return;
    }
    ensureRuntimeDir();
    writeFileSync(`${file}.tmp`, `${JSON.stringify(own, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
    ensureLifelineWatchdog(file);
  } catch (error) {
    if (warned) return;
    warned = true;
    process.stderr.write(`warning: cannot write ${file} (${(error as Error).message}): if this harness is killed, \`npm run chaos -- clean\` cannot find what it started\n`);
  }
}
