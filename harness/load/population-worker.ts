// A worker thread of the population generator (population.ts): generates users [from, to) and
// posts them back in small batches, so the parent can report progress.
import { parentPort, workerData } from "node:worker_threads";
import { generateUser, type GeneratedUser } from "./node-keys.ts";

export interface WorkerTask {
  from: number;
  to: number;
  oneTimePrekeys: number;
}

/** users[i] is user `from + i` of the batch. */
export type WorkerMessage = { from: number; users: GeneratedUser[] } | { done: true };

const BATCH_MS = 100;

function run(task: WorkerTask): void {
  let batch: GeneratedUser[] = [];
  let batchFrom = task.from;
  let started = Date.now();
  for (let index = task.from; index < task.to; index++) {
    batch.push(generateUser(task.oneTimePrekeys));
    if (Date.now() - started >= BATCH_MS || index === task.to - 1) {
      parentPort!.postMessage({ from: batchFrom, users: batch } satisfies WorkerMessage);
      batch = [];
      batchFrom = index + 1;
      started = Date.now();
    }
  }
  parentPort!.postMessage({ done: true } satisfies WorkerMessage);
}

if (parentPort && workerData) run(workerData as WorkerTask);
