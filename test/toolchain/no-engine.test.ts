// A machine where no container engine answers and none can be started: `npm run chaos` runs on
// local processes and says so in one line, instead of failing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import { inCi, requireTool } from "../support/require-tool.ts";
import { canHideEngine, runWithoutEngine } from "./hidden-engine.ts";

describe("no container engine", () => {
  it("runs on local processes and says so in one line", async (ctx) => {
    await requireTool("k6");
    await requireTool("toxiproxy-server");
    if (!canHideEngine()) {
      if (inCi()) throw new Error("this test needs root and unshare (CI runs as root)");
      process.stderr.write("\n*** SKIPPED no-engine test: needs root and unshare to hide the container engine ***\n\n");
      ctx.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), "no-engine-"));
    const suite = join(dir, "suite.json");
    writeFileSync(suite, JSON.stringify({ scenarios: [{ scenario: "steady", users: 10, rate: 5, warmup: "1s", duration: "2s" }] }));
    const { code, output } = await runWithoutEngine(`"${process.execPath}" --import tsx harness/cli/main.ts --suite "${suite}" --reports "${dir}"`);
    const lines = output.split("\n").filter((l) => l.includes("run as local processes"));
    expect(lines, output).toHaveLength(1);
    expect(lines[0]).toMatch(/environment local \(auto: no container engine answers .*, so the relay and Toxiproxy run as local processes\)$/);
    expect(output).not.toContain("error:");
    expect(code, output).not.toBe(3); // 3: something the machine lacks
    const summary = JSON.parse(readFileSync(join(dir, "latest", "summary.json"), "utf8")) as RunSummary;
    expect(summary.environment.kind).toBe("local");
    expect(summary.status, output).toBe("completed");
    rmSync(dir, { recursive: true, force: true });
  });
});
