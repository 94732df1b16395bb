// Readiness by a real request: poll a URL until it answers 200, or fail saying what was awaited.
import { EnvironmentError } from "../errors.ts";

export async function waitForHttp(url: string, what: string, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const started = Date.now();
  let last = "no answer yet";
  while (Date.now() - started < timeoutMs) {
    if (!alive()) throw new EnvironmentError(`${what} exited while waiting for ${url}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new EnvironmentError(`${what} not ready after ${timeoutMs} ms on ${url} (last: ${last})`);
}
