import { describe, expect, it } from "vitest";
import { endpointsForUser, parseEndpoints } from "../../scenarios/lib/endpoints.ts";

const ENDPOINTS = parseEndpoints("direct-a=ws://a,direct-b=ws://b,proxy-1=ws://p1,proxy-2=ws://p2");
const names = (index: number, direct = 2, proxyEvery = 0) => endpointsForUser(ENDPOINTS, direct, index, proxyEvery).map((e) => e.name);

describe("the order in which a simulated user tries the endpoints", () => {
  it("starts at one of the direct addresses, round robin by user, and keeps the proxies last in their order", () => {
    expect(names(0)).toEqual(["direct-a", "direct-b", "proxy-1", "proxy-2"]);
    expect(names(1)).toEqual(["direct-b", "direct-a", "proxy-1", "proxy-2"]);
    expect(names(6)).toEqual(["direct-a", "direct-b", "proxy-1", "proxy-2"]);
  });

  it("starts every N-th user at a volunteer proxy, round robin over the proxies, with the direct addresses last", () => {
    expect(names(19, 2, 20)).toEqual(["proxy-1", "proxy-2", "direct-b", "direct-a"]);
    expect(names(39, 2, 20)).toEqual(["proxy-2", "proxy-1", "direct-b", "direct-a"]);
    expect(names(18, 2, 20)).toEqual(["direct-a", "direct-b", "proxy-1", "proxy-2"]);
    expect(Array.from({ length: 100 }, (_, i) => names(i, 2, 20)[0]).filter((n) => n.startsWith("proxy"))).toHaveLength(5);
  });

  it("keeps the given order when there is one direct address", () => {
    expect(names(1, 1)).toEqual(["direct-a", "direct-b", "proxy-1", "proxy-2"]);
  });
});
