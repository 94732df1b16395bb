// An XMPP target in the containers environment (not built yet) is exit code 3 with the reason and
// the command that works instead; nothing is started, and the run's record names the target.
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRunFile, runChaos } from "../support/run-chaos.ts";

describe("--target prosody --env containers", () => {
  it("exits 3 naming the reason and --env local, and leaves nothing running", async () => {
    const reports = mkdtempSync(join(tmpdir(), "xmpp-containers-"));
    const run = await runChaos(["--target", "prosody", "--env", "containers", "--scenario", "steady", "--users", "10", "--duration", "5s", "--reports", reports], { CHAOS_ENV: undefined, CHAOS_TARGET: undefined });
    expect(run.code, `${run.out}\n${run.err}`).toBe(3);
    expect(run.err).toContain("error: target prosody cannot run in the containers environment: containers for XMPP targets are not built yet; allowed: --env local (or auto) with --target prosody");
    expect(run.err).toContain("fix: npm run chaos -- --env local --target prosody");
    // refused before any container, process or proxy started
    expect(run.out).not.toMatch(/^starting /m);
    const scenarioDir = join(run.runDir!, "steady");
    expect(existsSync(scenarioDir) ? readdirSync(scenarioDir) : []).toEqual([]);
    const summary = readRunFile<{ status: string; error: string; target: unknown }>(run, "summary.json");
    expect(summary).toMatchObject({ status: "failed", target: { name: "prosody", version: null } });
    expect(summary.error).toContain("containers for XMPP targets are not built yet");
    expect(readRunFile<{ gate: string; target: unknown }>(run, "verdict.json")).toMatchObject({ gate: "fail", target: { name: "prosody", version: null } });
  });
});
