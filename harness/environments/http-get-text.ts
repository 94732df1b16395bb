// A GET that also works against the run's own TLS certificate (`ca`), which fetch() cannot take.
import { get as httpGet } from "node:http";
import { get as httpsGet } from "node:https";

export function httpGetText(url: string, options: { ca?: string; timeoutMs?: number } = {}): Promise<{ status: number; body: string }> {
  const timeoutMs = options.timeoutMs ?? 1000;
  return new Promise((resolve, reject) => {
    const get = url.startsWith("https:") ? httpsGet : httpGet;
    const request = get(url, { timeout: timeoutMs, ...(options.ca ? { ca: options.ca } : {}) }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on("error", reject);
  });
}

/** The server answered, but not with 200 (it is up; what was asked for is not there or failed). */
export class HttpStatusError extends Error {
  override readonly name = "HttpStatusError";
  constructor(readonly url: string, readonly status: number) {
    super(`${url} answered HTTP ${status}`);
  }
}

/** The body of a 200 answer; any other status is an HttpStatusError naming the URL and the status. */
export async function httpGetBody(url: string, options: { ca?: string; timeoutMs?: number } = {}): Promise<string> {
  const { status, body } = await httpGetText(url, options);
  if (status !== 200) throw new HttpStatusError(url, status);
  return body;
}
