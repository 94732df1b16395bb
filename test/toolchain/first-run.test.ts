// The first `npm run chaos` on a machine without the tools: it provisions what it needs, the way
// Testcontainers pulls an image the first time, and then runs. The tools directory is an empty temp
// dir (CHAOS_TOOLS_DIR). Only Toxiproxy is built here (about 20 s): building k6 takes about two
// minutes on the 2-core CI machine, so k6 comes from PATH (a directory holding only a link to the
// real k6), which is also the PATH branch of the same rule. Go builds with the module cache that
// `npm run tools` (run before the tests in CI) filled.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import { findAllOnPath } from "../../harness/toolchain/find-on-path.ts";
import { TOXIPROXY_VERSION } from "../../harness/toolchain/versions.ts";
import { requireTool } from "../support/require-tool.ts";

describe("the first run from an empty tools directory", () => {
  it("builds the missing Toxiproxy with progress and its time, takes k6 from PATH, and runs", { timeout: 300_000 }, async () => {
    const k6 = await requireTool("k6");
    const dir = mkdtempSync(join(tmpdir(), "first-run-"));
    const tools = join(dir, "tools");
    const onPath = join(dir, "path");
    mkdirSync(onPath);
    symlinkSync(k6.path, join(onPath, "k6"));
    // PATH without any toxiproxy-server, so the harness must build it
    const path = [onPath, ...(process.env.PATH ?? "").split(delimiter).filter((d) => !existsSync(join(d, "toxiproxy-server")))].join(delimiter);
    expect(findAllOnPath("toxiproxy-server", path)).toEqual([]);
    const suite = join(dir, "suite.json");
    writeFileSync(suite, JSON.stringify({ scenarios: [{ scenario: "steady", users: 10, rate: 5, warmup: "1s", duration: "3s" }] }));

    const child = spawn(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "--suite", suite, "--env", "local", "--reports", join(dir, "reports")], {
      stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PATH: path, CHAOS_TOOLS_DIR: tools },
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));

    expect(output, "says what is missing and that it builds it").toContain(`toxiproxy-server ${TOXIPROXY_VERSION} is not installed`);
    expect(output).toContain("building it now");
    expect(output, "progress of the build with its time").toMatch(/done: building toxiproxy-server [\d.]+ in \d+ s/);
    expect(output).toMatch(new RegExp(`ok toxiproxy-server ${TOXIPROXY_VERSION.replace(/\./g, "\\.")} ready in \\d+ s`));
    expect(output, "k6 is not built: it is on PATH").not.toContain("building k6");
    expect(existsSync(join(tools, "toxiproxy-server")), "built into CHAOS_TOOLS_DIR").toBe(true);
    expect(code, output).not.toBe(3); // 3: something the machine lacks
    const summary = JSON.parse(readFileSync(join(dir, "reports", "latest", "summary.json"), "utf8")) as RunSummary;
    expect(summary.status, output).toBe("completed");
    expect(summary.environment.versions.k6).toContain(join(onPath, "k6"));
    expect(summary.scenarios[0].figures.messages.delivered, "the run carried messages").toBeGreaterThan(0);
    rmSync(dir, { recursive: true, force: true });
  });
});
