// Readiness by a real request: poll a URL until it answers 200, or fail saying what was awaited.
// An https URL is checked against `ca` (the run's own certificate).
import { get as httpGet } from "node:http";
import { get as httpsGet } from "node:https";
import { EnvironmentError } from "../errors.ts";

export interface WaitOptions {
  timeoutMs: number;
  alive?: () => boolean;
  ca?: string;
}

function status(url: string, ca: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith("https:") ? httpsGet : httpGet;
    const request = get(url, { timeout: 1000, ...(ca ? { ca } : {}) }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("timeout", () => request.destroy(new Error("no answer within 1000 ms")));
    request.on("error", reject);
  });
}

export async function waitForHttp(url: string, what: string, options: WaitOptions): Promise<void> {
  const started = Date.now();
  let last = "no answer yet";
  while (Date.now() - started < options.timeoutMs) {
    if (options.alive && !options.alive()) throw new EnvironmentError(`${what} exited while waiting for ${url}`);
    try {
      const code = await status(url, options.ca);
      if (code === 200) return;
      last = `HTTP ${code}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new EnvironmentError(`${what} not ready after ${options.timeoutMs} ms on ${url} (last: ${last})`);
}
