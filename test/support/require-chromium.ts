// Headless Chromium for the report tests: Debian's chromium driven by playwright-core.
// Under CI=true a missing browser FAILS the test saying what is missing and how to install it;
// elsewhere the test is skipped loudly (the pattern of require-tool.ts).
import { existsSync } from "node:fs";
import type { TestContext } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { EnvironmentError } from "../../harness/errors.ts";
import { inCi } from "./require-tool.ts";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_FIX = "apt-get install -y chromium   (Debian's package; bash .ci/run installs it)";
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** Checks for the browser first (before a test spends time making its data); see the file's top. */
export function requireChromium(ctx: TestContext): void {
  if (!existsSync(CHROMIUM_PATH)) {
    const message = `chromium is missing: no browser at ${CHROMIUM_PATH} (set CHROMIUM_PATH to use another)`;
    if (inCi()) throw new EnvironmentError(message, CHROMIUM_FIX);
    process.stderr.write(`\n${"!".repeat(78)}\nSKIPPED (not in CI): ${ctx.task.name}\n  ${message}\n  fix: ${CHROMIUM_FIX}\n  Under CI=true this test fails instead.\n${"!".repeat(78)}\n\n`);
    ctx.skip(`missing: ${message}`);
  }
}

export async function launchChromium(ctx: TestContext): Promise<Browser> {
  requireChromium(ctx);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}
