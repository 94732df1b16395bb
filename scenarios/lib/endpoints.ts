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
