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
 * A user's own order. Most users start at one of the first `direct` endpoints (round robin by
 * user, as DNS round robin spreads clients over a service's addresses), then the other direct
 * ones, then the proxies in their given order. Every `proxyEvery`-th user (0: none) lives where
 * the service is blocked and starts at a volunteer proxy (round robin over them), then the other
 * proxies, then the direct addresses: so every run carries some traffic through the proxies,
 * whose taps the privacy check reads.
 */
export function endpointsForUser(endpoints: Endpoint[], direct: number, userIndex: number, proxyEvery = 0): Endpoint[] {
  const n = Math.max(1, Math.min(direct, endpoints.length));
  const directs = rotate(endpoints.slice(0, n), userIndex);
  const proxies = endpoints.slice(n);
  if (proxyEvery > 0 && proxies.length > 0 && userIndex % proxyEvery === proxyEvery - 1) {
    return [...rotate(proxies, Math.floor(userIndex / proxyEvery)), ...directs];
  }
  return [...directs, ...proxies];
}

function rotate<T>(items: T[], by: number): T[] {
  const first = by % items.length;
  return [...items.slice(first), ...items.slice(0, first)];
}
