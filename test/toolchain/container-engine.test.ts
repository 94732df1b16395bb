// Finding the container engine: a DOCKER_HOST that does not answer is passed over, and the
// engine found is what Testcontainers will use.
import { afterEach, describe, expect, it } from "vitest";
import { candidateSockets, detectContainerEngine, probeEngine } from "../../harness/toolchain/container-engine.ts";
import { requireContainerEngine } from "../support/require-tool.ts";

const saved = { DOCKER_HOST: process.env.DOCKER_HOST };

describe("container engine detection", () => {
  afterEach(() => {
    if (saved.DOCKER_HOST === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved.DOCKER_HOST;
  });

  it("sets DOCKER_HOST to an engine that answers /_ping and reports its kind and version", async (ctx) => {
    const engine = await requireContainerEngine(ctx);
    expect(process.env.DOCKER_HOST).toBe(engine.socket);
    expect(["docker", "podman"]).toContain(engine.kind);
    expect(await probeEngine(engine.socket)).toMatchObject({ kind: engine.kind, version: engine.version });
  });

  it("passes over a DOCKER_HOST that does not answer and finds the engine on its usual socket", async (ctx) => {
    const engine = await requireContainerEngine(ctx);
    const usual = candidateSockets({ ...process.env, DOCKER_HOST: undefined });
    process.env.DOCKER_HOST = "unix:///tmp/no-engine-here.sock";
    expect(await probeEngine(process.env.DOCKER_HOST)).toBeUndefined();
    const found = await detectContainerEngine();
    // an engine that answers only at a custom DOCKER_HOST cannot be found once it points elsewhere: said, not skipped
    if (!usual.includes(engine.socket)) expect(found, `the engine answers only at ${engine.socket}, not at a usual socket (${usual.join(", ")})`).toBeUndefined();
    else expect(found?.kind).toBe(engine.kind);
  });
});
