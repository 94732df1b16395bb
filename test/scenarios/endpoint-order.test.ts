import { describe, expect, it } from "vitest";
import { endpointsForUser, parseEndpoints } from "../../scenarios/lib/endpoints.ts";

const ENDPOINTS = parseEndpoints("direct-a=ws://a,direct-b=ws://b,proxy-1=ws://p1,proxy-2=ws://p2");
const names = (index: number, direct = 2) => endpointsForUser(ENDPOINTS, direct, index).map((e) => e.name);

describe("the order in which a simulated user tries the endpoints", () => {
  it("starts at one of the direct addresses, round robin by user, and keeps the proxies last in their order", () => {
    expect(names(0)).toEqual(["direct-a", "direct-b", "proxy-1", "proxy-2"]);
    expect(names(1)).toEqual(["direct-b", "direct-a", "proxy-1", "proxy-2"]);
    expect(names(6)).toEqual(["direct-a", "direct-b", "proxy-1", "proxy-2"]);
  });

  it("keeps the given order when there is one direct address", () => {
    expect(names(1, 1)).toEqual(["direct-a", "direct-b", "proxy-1", "proxy-2"]);
  });
});
