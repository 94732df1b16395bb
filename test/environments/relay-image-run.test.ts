// `npm run chaos -- --relay-image IMAGE --env containers` from start to verdict (real k6, the
// Toxiproxy container, about 20 s of k6): the reference relay's image given as the relay under
// test runs a short steady scenario behind the same paths and passes.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import { readRunFile, runChaos, type RunVerdictFile } from "../support/run-chaos.ts";
import { requireImages, requireTool } from "../support/require-tool.ts";

const reports = join(mkdtempSync(join(tmpdir(), "relay-image-")), "reports");

describe("--relay-image", () => {
  it("runs a short steady scenario against the given image under --env containers, and passes", async (ctx) => {
    await requireTool("k6", ctx);
    // the reference relay's image (e2ee-chaos/relay:<hash>, harness/toolchain/relay-image.ts), built if missing
    const image = (await requireImages(ctx)).relay.name;
    const run = await runChaos(
      ["--scenario", "steady", "--users", "20", "--rate", "10", "--duration", "5s", "--env", "containers", "--relay-image", image, "--reports", reports],
      { CHAOS_ENV: undefined, CHAOS_RELAY_COMMAND: undefined, CHAOS_RELAY_IMAGE: undefined },
    );
    expect(run.code, `${run.out}\n${run.err}`).toBe(0);
    expect(run.out).toContain(`starting relay under test (--relay-image ${image})`);
    expect(readRunFile<RunVerdictFile>(run, "verdict.json").gate).toBe("pass");
    const summary = readRunFile<RunSummary>(run, "summary.json");
    expect(summary.environment.kind).toBe("containers");
    expect(summary.environment.versions.relayImage).toBe(image);
    expect(summary.scenarios[0].figures.messages.delivered).toBeGreaterThan(0);
  });
});
