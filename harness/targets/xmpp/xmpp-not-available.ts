// What an XMPP server cannot tell that the reference relay can: its /metrics and its message
// journal. Both answer as an HTTP 404 would (HttpStatusError), so the samplers and the checkers say
// "not available" rather than 0; a server that is down or paused says so instead.
import { HttpStatusError } from "../../environments/http-get-text.ts";

export function noMetrics(kind: string, baseUrl: string, state: "up" | "paused" | "down"): Promise<never> {
  if (state !== "up") return Promise.reject(new Error(`${kind} is ${state === "paused" ? "paused" : "not running"}`));
  return Promise.reject(withMessage(new HttpStatusError(`${baseUrl}/metrics`, 404), `${kind} has no /metrics endpoint: its figures (connections, queue depth, CPU, memory) are not available from it`));
}

export function noJournal(kind: string, baseUrl: string): Promise<never> {
  return Promise.reject(withMessage(new HttpStatusError(`${baseUrl}/journal`, 404), `${kind} keeps no message journal (GET /journal answers HTTP 404): the checkers go by the clients' records alone`));
}

function withMessage<E extends Error>(error: E, message: string): E {
  error.message = message;
  return error;
}
