import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRunFlags } from "../../harness/run/run-flags.ts";
import { availableSuites, loadSuite } from "../../harness/suites/load-suite.ts";
import { readScenarioDefaults, resolveLoad } from "../../harness/suites/scenario-defaults.ts";

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

  it("reads a scenario's defaults from the top of its file, overridden by suite then flags", () => {
    expect(readScenarioDefaults("scenarios/steady.ts")).toMatchObject({ users: 100, rate: 40, durationS: 60 });
    expect(resolveLoad("scenarios/steady.ts", { users: 30, rate: 5 }, { rate: 9 })).toEqual({ users: 30, rate: 9, warmupS: 5, durationS: 60, drainS: 10, seed: 1, contacts: 5, backlog: 0 });
  });
});

describe("the chaos command refuses bad input with exit code 2", () => {
  it("names an unknown fault kind in a suite file, with the entry and the allowed kinds", () => {
    const file = suiteFile({ scenarios: [{ scenario: "steady", timeline: [{ at: "1s", target: "relay", fault: { kind: "meteor" } }] }] });
    const { code, err } = chaos("--suite", file, "--env", "local");
    expect(code).toBe(2);
    expect(err).toContain(`${file}: scenarios[0]: timeline[0].fault.kind: unknown fault kind 'meteor'; allowed: latency,`);
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
