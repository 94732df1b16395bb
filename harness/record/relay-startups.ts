// Every start of the relay in a scenario, from its own `relay_started` log lines: how long the
// start took and how many queued messages it loaded (restart time against backlog size).

export interface RelayStartup {
  time: string;
  startupMs: number;
  replayMs: number | null;
  queuedLoaded: number;
}

export function relayStartups(logs: string): RelayStartup[] {
  const startups: RelayStartup[] = [];
  for (const line of logs.split("\n")) {
    if (!line.includes('"relay_started"')) continue;
    try {
      const e = JSON.parse(line.slice(line.indexOf("{"))) as { time: string; startupMs: number; replayMs?: number; queuedLoaded: number };
      startups.push({ time: e.time, startupMs: e.startupMs, replayMs: e.replayMs ?? null, queuedLoaded: e.queuedLoaded });
    } catch {
      // a line cut by a kill -9
    }
  }
  return startups;
}
