// Issue 25, item 3: sizes a machine cannot hold are refused before anything starts, with the
// estimate, what the machine has and the most it holds; sane sizes (every shipped suite, the
// bench's 10,000 users) pass. The machine is given, so the figures do not depend on where the
// test runs.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../harness/errors.ts";
import { parseRunFlags } from "../../harness/run/run-flags.ts";
import { MEMORY_FIGURES, SANITY_BOUNDS } from "../../harness/run/size-figures.ts";
import { bytesText, checkSizes, memoryEstimate, sizedScenarios, type Machine } from "../../harness/run/size-check.ts";
import { availableSuites, loadSuite } from "../../harness/suites/load-suite.ts";
import type { ScenarioPlan } from "../../harness/suites/scenario-plan.ts";
import type { TargetName } from "../../harness/targets/target.ts";
import { scenarioSettings } from "../../scenarios/lib/scenario-settings.ts";

const GiB = 2 ** 30;
/** the README's bench machine: 24 GiB, Node's default heap limit there */
const benchMachine: Machine = { memoryBytes: 24 * GiB, memoryIs: "its memory", heapLimitBytes: 4144 * 2 ** 20 };
const hugeMachine: Machine = { memoryBytes: 2 ** 60, memoryIs: "its memory", heapLimitBytes: 2 ** 60 };

function suiteFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "size-suite-")), "suite.json");
  writeFileSync(file, JSON.stringify(content));
  return file;
}

/** What runSuite checks for `argv` and `suite`: the suite's plans, with the flags on top. */
function check(argv: string[], suite = "default", machine = benchMachine, target: TargetName = "relay"): void {
  const flags = parseRunFlags(argv);
  const plans: ScenarioPlan[] = loadSuite(suite).scenarios;
  const loads = plans.map((p) => scenarioSettings(p.scenario, p.load, flags.load));
  checkSizes(sizedScenarios(plans, loads, plans.map(() => target), flags), machine);
}

function refusal(run: () => void): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error("not refused");
}

describe("sizes the machine cannot hold", () => {
  it("refuses a billion users with the k6 memory they need, what the machine has and the most it holds", () => {
    const message = refusal(() => check(["--users", "1000000000"]));
    expect(message).toMatch(/^--users 1000000000: 1,000,000,000 users need about 209 TiB of k6 memory \(224 KiB a user\), 19\.6 TiB in the relay and 5\.36 TiB in the harness; this machine has 24 GiB/);
    const most = Number(/at most about ([\d,]+) users here/.exec(message)?.[1].replace(/,/g, ""));
    // 90% of 24 GiB over k6 + relay + harness per user (and a VU per 1,250 users), less the fixed part
    const perUser = MEMORY_FIGURES.k6.bytesPerUser + MEMORY_FIGURES.relay.bytesPerConnection + MEMORY_FIGURES.harness.heapBytesPerUser + MEMORY_FIGURES.k6.bytesPerVu / 1250;
    expect(most).toBeGreaterThan(0.97 * ((0.9 * 24 * GiB) / perUser) - 2000);
    expect(most).toBeLessThanOrEqual((0.9 * 24 * GiB) / perUser);
    expect(message).toContain("use a bigger machine");
    expect(message).toMatch(/nothing was started$/);
    // the most it names is itself allowed, and a little more is not
    expect(() => check(["--users", String(most)])).not.toThrow();
    expect(() => check(["--users", String(Math.ceil(most * 1.05))])).toThrow(InputError);
  });

  it("names the suite file and field, also for a size set through k6Env", () => {
    const file = suiteFile({ scenarios: [{ scenario: "steady" }, { scenario: "outage", users: 1_000_000_000 }] });
    expect(refusal(() => check([], file))).toMatch(new RegExp(`^${file}: scenarios\\[1\\]\\.users: 1,000,000,000 users need about`));
    const viaK6Env = suiteFile({ scenarios: [{ scenario: "steady", k6Env: { USERS: 5_000_000 } }] });
    expect(refusal(() => check([], viaK6Env))).toMatch(new RegExp(`^${viaK6Env}: scenarios\\[0\\]\\.k6Env\\.USERS: 5,000,000 users need`));
    // a flag overrides the suite, and is what the message names
    expect(refusal(() => check(["--users", "3000000"], file))).toMatch(/^--users 3000000: 3,000,000 users/);
  });

  it("lets every shipped suite, and the bench's 10,000 users at 2,000 msg/s, through", () => {
    for (const suite of availableSuites()) expect(() => check([], suite), suite).not.toThrow();
    expect(() => check(["--users", "10000", "--rate", "2000"])).not.toThrow();
    expect(() => check(["--users", "10000", "--vus", "8"], "outages")).not.toThrow();
  });

  it("counts the relay's memory only where the reference relay runs", () => {
    const load = scenarioSettings("steady", { users: 1000 });
    const withRelay = memoryEstimate({ load, referenceRelay: true });
    const withoutRelay = memoryEstimate({ load, referenceRelay: false });
    expect(withRelay.users - withoutRelay.users).toBe(1000 * MEMORY_FIGURES.relay.bytesPerConnection);
    const message = refusal(() => check(["--users", "1000000000", "--target", "prosody"], "default", benchMachine, "prosody"));
    expect(message).not.toContain("in the relay");
  });

  it("refuses more VUs than fit, naming --vus", () => {
    expect(refusal(() => check(["--users", "20000", "--vus", "20000"]))).toMatch(/^--vus 20000: 20,000 k6 VUs need about 44\.1 GiB of k6 memory \(2\.26 MiB a VU, each its own JavaScript runtime\); this machine has 24 GiB.*at most about [\d,]+ VUs here/);
  });

  it("refuses a rate and duration whose messages the harness cannot hold for the analysis, with the rate that fits", () => {
    const message = refusal(() => check(["--rate", "8000", "--duration", "1h"]));
    expect(message).toMatch(/^--rate 8000 for --duration 1h: 28,800,000 messages need about 25\.9 GiB of the harness's memory for the run's record \(964 bytes a message\); this machine has 24 GiB/);
    expect(message).toMatch(/at most about [\d,]+ msg\/s here for this duration \(the harness's heap limit of 4\.05 GiB binds first\)/);
    const heap = refusal(() => check(["--rate", "2000", "--duration", "1h"]));
    expect(heap).toMatch(/^--rate 2000 for --duration 1h: 7,200,000 messages need about 6\.46 GiB of the harness's heap .*NODE_OPTIONS=--max-old-space-size/);
    expect(() => check(["--rate", "500", "--duration", "1h"])).not.toThrow();
  });

  it("refuses a backlog beyond the relay's store bound, and lets it through once the suite raises RELAY_MAX_STORED_BYTES", () => {
    const file = suiteFile({ scenarios: [{ scenario: "restart", backlog: 5_000_000 }] });
    expect(refusal(() => check([], file))).toMatch(new RegExp(`^${file}: scenarios\\[0\\]\\.backlog: a backlog of 5,000,000 messages is about 1\\.96 GiB in the relay's store .* beyond its RELAY_MAX_STORED_BYTES of 1 GiB \\(its default\\): the preload would end in store_full`));
    const raised = suiteFile({ scenarios: [{ scenario: "restart", backlog: 5_000_000, relay: { RELAY_MAX_STORED_BYTES: 4 * GiB } }] });
    expect(() => check([], raised)).not.toThrow();
    const tooBig = suiteFile({ scenarios: [{ scenario: "restart", backlog: 50_000_000, relay: { RELAY_MAX_STORED_BYTES: 64 * GiB } }] });
    expect(refusal(() => check([], tooBig))).toMatch(/scenarios\[0\]\.backlog: a backlog of 50,000,000 messages needs about 62\.3 GiB of the relay's memory \(1\.31 KiB a stored message\)/);
  });

  it("holds the fixed sanity bounds on a machine that would hold anything", () => {
    expect(refusal(() => check(["--users", String(SANITY_BOUNDS.users.max + 1)], "default", hugeMachine))).toMatch(/^--users 10000001: 10,000,001 users is beyond the sanity bound; allowed: at most 10,000,000 \(/);
    expect(refusal(() => check(["--rate", "2000000"], "default", hugeMachine))).toMatch(/^--rate 2000000: 2,000,000 msg\/s is beyond the sanity bound/);
    expect(refusal(() => check(["--duration", "200h"], "default", hugeMachine))).toMatch(/^--duration 200h: 720,000 seconds is beyond the sanity bound; allowed: at most 604,800/);
    expect(refusal(() => check(["--vus", "200000", "--users", "300000"], "default", hugeMachine))).toMatch(/^--vus 200000: 200,000 VUs is beyond the sanity bound/);
    const drain = suiteFile({ scenarios: [{ scenario: "steady", drain: "300h" }] });
    expect(refusal(() => check([], drain, hugeMachine))).toMatch(new RegExp(`^${drain}: scenarios\\[0\\]\\.drain: 1,080,000 seconds is beyond the sanity bound`));
  });

  it("writes sizes in binary units with three significant digits", () => {
    expect(bytesText(224 * 1024)).toBe("224 KiB");
    expect(bytesText(1e9 * 224 * 1024)).toBe("209 TiB");
    expect(bytesText(512)).toBe("512 bytes");
    expect(bytesText(1.5 * GiB)).toBe("1.5 GiB");
  });
});
