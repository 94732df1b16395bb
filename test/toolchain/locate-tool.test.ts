// Which k6 the harness uses: one on PATH at the pinned version wins; a wrong version is passed over.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { locateTool } from "../../harness/toolchain/locate-tool.ts";
import { toolsBinDir } from "../../harness/toolchain/tools-dir.ts";
import { K6_VERSION } from "../../harness/toolchain/versions.ts";
import { requireTool } from "../support/require-tool.ts";

const originalPath = process.env.PATH;

function fakeK6(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), "fake-k6-"));
  writeFileSync(join(dir, "k6"), `#!/bin/sh\necho "k6 v${version} (fake, linux/amd64)"\n`);
  chmodSync(join(dir, "k6"), 0o755);
  return dir;
}

describe("locating a pinned tool", () => {
  const dirs: string[] = [];
  afterEach(() => {
    process.env.PATH = originalPath;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("uses a k6 on PATH as it is when it reports the pinned version", async () => {
    const dir = fakeK6(K6_VERSION);
    dirs.push(dir);
    process.env.PATH = `${dir}${delimiter}${originalPath}`;
    expect(await locateTool("k6")).toMatchObject({ status: "found", source: "path", path: join(dir, "k6"), version: K6_VERSION });
  });

  it("passes over a k6 on PATH at another version and takes the one in the tools directory", async (ctx) => {
    await requireTool("k6", ctx);
    const dir = fakeK6("0.49.0");
    dirs.push(dir);
    process.env.PATH = `${dir}${delimiter}${originalPath}`;
    expect(await locateTool("k6")).toMatchObject({ status: "found", source: "tools-dir", path: join(toolsBinDir(), "k6") });
  });

  it("reports the wrong versions it saw when the pinned one is nowhere", async () => {
    const dir = fakeK6("0.49.0");
    dirs.push(dir);
    process.env.PATH = dir;
    const previous = process.env.CHAOS_TOOLS_DIR;
    process.env.CHAOS_TOOLS_DIR = join(dir, "no-tools-here");
    try {
      const location = await locateTool("k6");
      expect(location.status).toBe("missing");
      expect(location.status === "missing" && location.mismatches.join()).toContain("0.49.0");
    } finally {
      if (previous === undefined) delete process.env.CHAOS_TOOLS_DIR;
      else process.env.CHAOS_TOOLS_DIR = previous;
    }
  });
});
