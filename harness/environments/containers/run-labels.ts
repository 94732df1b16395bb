// Every container and network a run starts carries the run's id and the harness process that owns
// it, so what an interrupted or crashed run left behind can be found and removed: by the next run,
// by `npm run chaos -- clean`, or by the harness itself on its way out.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type Dockerode from "dockerode";
import { getContainerRuntimeClient } from "testcontainers";
import { processStartTime } from "../local/process-identity.ts";

/** Label on every container a run starts (`podman ps --filter label=e2ee-chaos.run`): the run id. */
export const RUN_LABEL = "e2ee-chaos.run";
/** The harness process (pid) and machine that own a container. */
export const OWNER_PID_LABEL = "e2ee-chaos.pid";
export const OWNER_HOST_LABEL = "e2ee-chaos.host";
/** The owner's start time (process-identity.ts): a container whose owner's pid now runs something else is left over too. */
export const OWNER_START_LABEL = "e2ee-chaos.pid-start";
/** Networks are named e2ee-chaos-<pid>-<random>. */
const NETWORK_PREFIX = "e2ee-chaos-";
/** Containers labelled before owners were recorded count as left over once this old. */
const UNOWNED_AFTER_S = 30 * 60;

export function runLabels(runId: string): Record<string, string> {
  const start = processStartTime(process.pid);
  return { [RUN_LABEL]: runId, [OWNER_PID_LABEL]: String(process.pid), [OWNER_HOST_LABEL]: hostname(), ...(start !== null ? { [OWNER_START_LABEL]: start } : {}) };
}

export function runNetworkName(): string {
  return `${NETWORK_PREFIX}${process.pid}-${randomBytes(4).toString("hex")}`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The harness that labelled a container still runs: its pid is alive (a zombie is not) and, where recorded, started when it did. */
function ownerRuns(labels: Record<string, string>): boolean {
  const pid = Number(labels[OWNER_PID_LABEL]);
  const start = processStartTime(pid);
  if (start === null) return false;
  return labels[OWNER_START_LABEL] === undefined || labels[OWNER_START_LABEL] === start;
}

async function dockerode(): Promise<Dockerode> {
  return ((await getContainerRuntimeClient()).container as unknown as { dockerode: Dockerode }).dockerode;
}

export interface Removed { containers: { id: string; run: string; image: string }[]; networks: string[] }

/**
 * Removes containers and networks of runs whose harness process is gone (on this machine), or, with
 * `mine`, everything this process started, or, with `all`, every run's (also of runs still going, or
 * whose owner's pid was reused after a reboot). Errors on single objects are skipped: best-effort.
 */
export async function removeLeftovers(options: { mine?: boolean; all?: boolean } = {}): Promise<Removed> {
  const docker = await dockerode();
  const removed: Removed = { containers: [], networks: [] };
  const here = hostname();
  const now = Date.now() / 1000;
  const filters = { label: [options.mine ? `${OWNER_PID_LABEL}=${process.pid}` : RUN_LABEL] };
  for (const c of await docker.listContainers({ all: true, filters })) {
    const labels = c.Labels ?? {};
    const orphan = options.all ? true
      : options.mine ? labels[OWNER_HOST_LABEL] === here
      : (labels[OWNER_PID_LABEL] === undefined ? now - c.Created > UNOWNED_AFTER_S : labels[OWNER_HOST_LABEL] === here && !ownerRuns(labels));
    if (!orphan) continue;
    try {
      await docker.getContainer(c.Id).remove({ force: true, v: true });
      removed.containers.push({ id: c.Id.slice(0, 12), run: labels[RUN_LABEL] ?? "?", image: c.Image });
    } catch { /* gone meanwhile */ }
  }
  for (const n of await docker.listNetworks()) {
    const match = new RegExp(`^${NETWORK_PREFIX}(\\d+)-`).exec(n.Name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (!options.all && (options.mine ? pid !== process.pid : processAlive(pid))) continue;
    try {
      await docker.getNetwork(n.Id).remove();
      removed.networks.push(n.Name);
    } catch { /* still in use or gone */ }
  }
  return removed;
}

export function describeRemoved(removed: Removed): string {
  const runs = [...new Set(removed.containers.map((c) => c.run))];
  return `removed ${removed.containers.length} container(s)${runs.length ? ` of run(s) ${runs.join(", ")}` : ""} and ${removed.networks.length} network(s) left by earlier runs`;
}
