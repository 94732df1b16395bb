// Every start of the relay in a scenario, from its own `relay_started` log lines: how long the
// start took and how many queued messages it loaded (restart time against backlog size). A relay
// under test need not print them (no startups then), and a field it leaves out is null (not
// available), never 0.

export interface RelayStartup {
  time: string | null;
  startupMs: number | null;
  replayMs: number | null;
  queuedLoaded: number | null;
}

const numberOrNull = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export function relayStartups(logs: string): RelayStartup[] {
  const startups: RelayStartup[] = [];
  for (const line of logs.split("\n")) {
    if (!line.includes('"relay_started"')) continue;
    try {
      const e = JSON.parse(line.slice(line.indexOf("{"))) as Record<string, unknown>;
      if (e === null || typeof e !== "object" || e.event !== "relay_started") continue;
      startups.push({ time: typeof e.time === "string" ? e.time : null, startupMs: numberOrNull(e.startupMs), replayMs: numberOrNull(e.replayMs), queuedLoaded: numberOrNull(e.queuedLoaded) });
    } catch {
      // a line cut by a kill -9
    }
  }
  return startups;
}
