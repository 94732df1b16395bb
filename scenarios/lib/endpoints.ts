// The ordered list of ways to reach the relay: direct addresses first, volunteer proxies after.

export interface Endpoint {
  name: string;
  url: string;
}

/** Parses `name=url,name=url` (the ENDPOINTS variable the harness passes to k6). */
export function parseEndpoints(text: string): Endpoint[] {
  const endpoints = text.split(",").filter(Boolean).map((part) => {
    const eq = part.indexOf("=");
    if (eq <= 0) throw new Error(`ENDPOINTS entry '${part}' is not name=url`);
    return { name: part.slice(0, eq), url: part.slice(eq + 1) };
  });
  if (endpoints.length === 0) throw new Error("ENDPOINTS is empty: give at least one name=url");
  return endpoints;
}

/**
 * A user's own order: it starts at one of the first `direct` endpoints (round robin by user, as
 * DNS round robin spreads clients over a service's addresses), then the other direct ones, then
 * the rest in their given order.
 */
export function endpointsForUser(endpoints: Endpoint[], direct: number, userIndex: number): Endpoint[] {
  const n = Math.max(1, Math.min(direct, endpoints.length));
  const first = userIndex % n;
  const head = endpoints.slice(0, n);
  return [...head.slice(first), ...head.slice(0, first), ...endpoints.slice(n)];
}
