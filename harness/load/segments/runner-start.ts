// The k6-operator's start protocol for several k6 runners: each is started paused behind its REST
// API; once every runner answers `GET /v1/status`, each is unpaused with k6's JSON:API status body
// (api/v1/status_jsonapi.go in k6 v2.2.0; k6 v2 has no `k6 resume`).
import { createServer } from "node:net";

/** The body of `PATCH /v1/status` that unpauses a k6 v2.2.0 runner. */
export const UNPAUSE_BODY = { data: { type: "status", id: "default", attributes: { paused: false } } };

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export interface RunnerStatus { paused: boolean; running: boolean; status: string }

/** `GET /v1/status` of one runner (null: it does not answer yet). */
export async function runnerStatus(address: string): Promise<RunnerStatus | null> {
  try {
    const res = await fetch(`http://${address}/v1/status`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return null;
    const body = (await res.json()) as { data?: { attributes?: { paused?: boolean; running?: boolean; status?: string } } };
    const a = body.data?.attributes ?? {};
    return { paused: a.paused === true, running: a.running === true, status: String(a.status ?? "") };
  } catch {
    return null;
  }
}

/**
 * Waits until every runner answers, then unpauses each (all requests at once). Throws naming the
 * runners that did not answer within `timeoutMs`, or as soon as `gone()` says one has exited.
 */
export async function startWhenAllAnswer(addresses: readonly string[], options: { timeoutMs: number; gone: () => number | null; signal?: AbortSignal }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const waiting = new Set(addresses);
  while (waiting.size > 0) {
    if (options.signal?.aborted) throw new Error("interrupted while the k6 runners started");
    const gone = options.gone();
    if (gone !== null) throw new Error(`k6 instance ${gone} exited before every runner answered GET /v1/status`);
    if (Date.now() > deadline) throw new Error(`k6 runner(s) at ${[...waiting].join(", ")} did not answer GET /v1/status within ${options.timeoutMs} ms`);
    for (const address of [...waiting]) if (await runnerStatus(address)) waiting.delete(address);
    if (waiting.size > 0) await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.all(addresses.map(async (address) => {
    const res = await fetch(`http://${address}/v1/status`, { method: "PATCH", body: JSON.stringify(UNPAUSE_BODY), headers: { "content-type": "application/json" }, signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`PATCH /v1/status on k6 runner ${address} answered ${res.status}: ${await res.text()}`);
  }));
}
