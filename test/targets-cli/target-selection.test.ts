// Which target each scenario tests: --target over CHAOS_TARGET over the suite's "target" over
// relay; under --env auto an XMPP target runs where the relay would (containers where an engine answers).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { selectEnvironment } from "../../harness/environments/select-environment.ts";
import { parseRunFlags } from "../../harness/run/run-flags.ts";
import { planTargets } from "../../harness/run/plan-targets.ts";
import { loadSuite } from "../../harness/suites/load-suite.ts";

const dir = mkdtempSync(join(tmpdir(), "target-selection-"));
const saved = process.env;
beforeEach(() => {
  process.env = { ...saved, CHAOS_ENV: undefined, CHAOS_TARGET: undefined, CHAOS_RELAY_COMMAND: undefined, CHAOS_RELAY_IMAGE: undefined };
});
afterEach(() => {
  process.env = saved;
});

function suite(scenarios: object[]) {
  const file = join(dir, `suite-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ name: "mixed", scenarios }));
  return { plan: loadSuite(file) };
}

describe("choosing the target", () => {
  it("reads --target, else CHAOS_TARGET; the flag wins", () => {
    expect(parseRunFlags([]).target).toBeUndefined();
    expect(parseRunFlags(["--target", "prosody"]).target).toEqual({ name: "prosody", chosenBy: "--target=prosody" });
    process.env.CHAOS_TARGET = "ejabberd";
    expect(parseRunFlags([]).target).toEqual({ name: "ejabberd", chosenBy: "CHAOS_TARGET=ejabberd" });
    expect(parseRunFlags(["--target", "relay"]).target?.name).toBe("relay");
  });

  it("keeps the suite's target per scenario, relay where it sets none, and lets --target override them all", () => {
    const { plan } = suite([{ scenario: "steady", name: "p", target: "prosody" }, { scenario: "steady", name: "e", target: "ejabberd" }, { scenario: "steady", name: "r" }]);
    const flags = { tls: false, relay: null };
    expect(planTargets(plan.scenarios, flags, plan.source)).toEqual(["prosody", "ejabberd", "relay"]);
    expect(planTargets(plan.scenarios, { ...flags, target: { name: "ejabberd", chosenBy: "--target=ejabberd" } }, plan.source)).toEqual(["ejabberd", "ejabberd", "ejabberd"]);
  });

  it("ships a suite that runs steady against each XMPP server", () => {
    const xmpp = loadSuite("xmpp");
    expect(xmpp.scenarios.map((s) => [s.name, s.target])).toEqual([["steady-prosody", "prosody"], ["steady-ejabberd", "ejabberd"]]);
  });

  it("refuses --target-config for a run whose scenarios target two servers, or the relay", () => {
    const config = join(dir, "server.cfg");
    writeFileSync(config, "");
    const { plan } = suite([{ scenario: "steady", name: "p", target: "prosody" }, { scenario: "steady", name: "e", target: "ejabberd" }]);
    expect(() => planTargets(plan.scenarios, { tls: false, relay: null, targetConfig: config }, plan.source)).toThrow(/one configuration file for scenarios that target prosody and ejabberd; allowed: --target-config with one XMPP target/);
    const relayOnly = suite([{ scenario: "steady" }]);
    expect(() => planTargets(relayOnly.plan.scenarios, { tls: false, relay: null, targetConfig: config }, relayOnly.plan.source)).toThrow(/scenario 'steady' \(target relay, the default\): a configuration file replaces an XMPP server's generated configuration/);
  });

  it("refuses a suite's XMPP target with the user's relay command", () => {
    const { plan } = suite([{ scenario: "steady", target: "prosody" }]);
    expect(() => planTargets(plan.scenarios, { tls: false, relay: { kind: "command", command: "x", source: "--relay-command" } }, plan.source))
      .toThrow(/--relay-command and .*scenario 'steady' target "prosody": --relay-command tests your own relay/);
  });

  it("picks the environment of an XMPP target under --env auto as the relay's: containers where an engine answers, else local", async () => {
    const log = () => undefined;
    const forRelay = await selectEnvironment(undefined, log, null, ["relay"]);
    expect(await selectEnvironment(undefined, log, null, ["relay", "prosody"])).toEqual(forRelay);
    expect((await selectEnvironment("auto", log, null, ["ejabberd"])).kind).toBe(forRelay.kind);
    // --env local still runs it as a local process
    expect(await selectEnvironment("local", log, null, ["prosody"])).toEqual({ kind: "local", reason: "--env=local" });
  });
});
