// Readiness by a real request: poll a URL until it answers 200, or fail saying what was awaited.
// An https URL is checked against `ca` (the run's own certificate).
import { EnvironmentError } from "../errors.ts";
import { httpGetText } from "./http-get-text.ts";

export interface WaitOptions {
  timeoutMs: number;
  alive?: () => boolean;
  ca?: string;
}

export async function waitForHttp(url: string, what: string, options: WaitOptions): Promise<void> {
  const started = Date.now();
  let last = "no answer yet";
  while (Date.now() - started < options.timeoutMs) {
    if (options.alive && !options.alive()) throw new EnvironmentError(`${what} exited while waiting for ${url}`);
    try {
      const { status } = await httpGetText(url, { ca: options.ca });
      if (status === 200) return;
      last = `HTTP ${status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new EnvironmentError(`${what} not ready after ${options.timeoutMs} ms on ${url} (last: ${last})`);
}
