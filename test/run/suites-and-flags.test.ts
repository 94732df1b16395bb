import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRunFlags } from "../../harness/run/run-flags.ts";
import { availableSuites, loadSuite } from "../../harness/suites/load-suite.ts";
import { BASE_SETTINGS, fromK6Env, scenarioSettings, toK6Env } from "../../scenarios/lib/scenario-settings.ts";

function chaos(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "harness/cli/main.ts", ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

function suiteFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "suite-")), "suite.json");
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe("suites", () => {
  it("loads every suite shipped in fixtures/suites", () => {
    for (const name of availableSuites()) expect(loadSuite(name).scenarios.length).toBeGreaterThan(0);
  });

  it("takes a scenario's settings from the shared contract, overridden by suite then flags", () => {
    expect(scenarioSettings("steady")).toMatchObject({ users: 100, rate: 40, durationS: 60, cryptoMode: "full" });
    expect(scenarioSettings("steady", { users: 30, rate: 5 }, { rate: 9 })).toMatchObject({ users: 30, rate: 9, warmupS: 5, durationS: 60, drainS: 10, seed: 1, contacts: 5, backlog: 0 });
    expect(scenarioSettings("ip-block").silenceTimeoutMs).toBe(4000);
  });

  it("hands every setting to k6 and reads back exactly what it handed", () => {
    const settings = scenarioSettings("flood", { users: 321, cryptoMode: "opaque", forwardProbability: 0.25 });
    const env = toK6Env(settings, { runId: "r1", populationFile: "/p.json", endpoints: "a=ws://x" });
    expect(Object.keys(env).length).toBeGreaterThan(Object.keys(BASE_SETTINGS).length);
    expect(fromK6Env("flood", env)).toEqual({ ...settings, runId: "r1", populationFile: "/p.json", endpoints: "a=ws://x", summaryFile: "", tlsInsecure: "", directEndpoints: "", thresholds: "", protocol: "", xmppDomain: "", xmppSecret: "" });
    expect(() => fromK6Env("steady", { CRYPTO: "rot13" })).toThrow(/CRYPTO='rot13': allowed values are full, session, opaque/);
  });

  it("turns a suite's k6Env into settings, refusing a variable the scenarios do not know", () => {
    const ok = suiteFile({ scenarios: [{ scenario: "outage", k6Env: { BACKOFF: "fixed", BACKOFF_BASE_MS: 1000 }, crypto: "session" }] });
    expect(loadSuite(ok).scenarios[0].load).toMatchObject({ backoff: "fixed", backoffBaseMs: 1000, cryptoMode: "session" });
    const bad = suiteFile({ scenarios: [{ scenario: "outage", k6Env: { BACKOF: "fixed" } }] });
    expect(() => loadSuite(bad)).toThrow(/k6Env\.BACKOF: not a scenario setting; allowed: USERS, .*BACKOFF/);
    const badMode = suiteFile({ scenarios: [{ scenario: "steady", crypto: "none" }] });
    expect(() => loadSuite(badMode)).toThrow(/crypto: "none" is not allowed; allowed: full, session, opaque/);
  });
});

describe("the chaos command refuses bad input with exit code 2", () => {
  it("names an unknown fault kind in a suite file, with the entry and the allowed kinds", () => {
    const file = suiteFile({ scenarios: [{ scenario: "steady", timeline: [{ at: "1s", target: "relay", fault: { kind: "meteor" } }] }] });
    const { code, err } = chaos("--suite", file, "--env", "local");
    expect(code).toBe(2);
    expect(err).toContain(`${file}: scenarios[0]: timeline[0].fault.kind: unknown fault kind 'meteor'; allowed: latency,`);
  });

  it("refuses a direction or toxicity that a relay fault would ignore, naming the entry and the fields it takes", () => {
    const file = suiteFile({ scenarios: [{ scenario: "steady", timeline: [{ at: "1s", target: "relay", direction: "both", fault: { kind: "relay-crash" } }] }] });
    const { code, err } = chaos("--suite", file, "--env", "local");
    expect(code).toBe(2);
    expect(err).toContain(`${file}: scenarios[0]: timeline[0].direction: fault 'relay-crash' does not use direction; allowed fields for it: at, for, target, fault`);
  });

  it("names a delivery promise it does not know, with the allowed ones", () => {
    const file = suiteFile({ scenarios: [{ scenario: "steady", delivery: "exactly-once" }] });
    const { code, err } = chaos("--suite", file, "--env", "local");
    expect(code).toBe(2);
    expect(err).toContain(`${file}: scenarios[0].delivery: "exactly-once" is not allowed; allowed: at-least-once, at-most-once`);
  });

  it("names an unknown scenario and lists the real ones", () => {
    const { code, err } = chaos("--suite", suiteFile({ scenarios: [{ scenario: "nope" }] }));
    expect(code).toBe(2);
    expect(err).toMatch(/scenarios\[0\]\.scenario: "nope" is not a scenario; allowed: .*steady/);
  });

  it("rejects unknown flags, bad numbers and unknown environments", () => {
    expect(chaos("--frobnicate")).toMatchObject({ code: 2 });
    const users = chaos("--users", "many");
    expect(users.code).toBe(2);
    expect(users.err).toContain("--users=many: allowed: a number >= 2");
    const env = chaos("--env", "cloud");
    expect(env.code).toBe(2);
    expect(env.err).toContain("--env=cloud: allowed values are containers, local, auto");
  });

  it("documents every flag in --help", () => {
    const { code, out } = chaos("--help");
    expect(code).toBe(0);
    for (const flag of ["--scenario", "--suite", "--env", "--duration", "--users", "--rate", "--seed", "--tls"]) expect(out).toContain(flag);
    expect(parseRunFlags(["--duration", "2m", "--users", "30"]).load).toEqual({ durationS: 120, users: 30 });
  });
});
