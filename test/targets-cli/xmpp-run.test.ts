// A real run against each XMPP server: chosen by --target, or by a suite's "target". The accounts
// are registered before k6 starts, k6 speaks XMPP to the server through the four paths, and every
// output names the server and its installed version.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { installedXmppVersionSync } from "../../harness/targets/xmpp/xmpp-server-kind.ts";
import { requireXmppServer } from "../support/require-tool.ts";
import { readRunFile, runChaos, type ChaosRun } from "../support/run-chaos.ts";

const NO_VARIABLES = { CHAOS_ENV: undefined, CHAOS_TARGET: undefined, CHAOS_RELAY_COMMAND: undefined, CHAOS_RELAY_IMAGE: undefined };
const SHORT = { users: 10, rate: 5, warmup: "3s", duration: "6s", drain: "4s" };

interface Summary { status: string; target: unknown; environment: { versions: Record<string, string> }; scenarios: { name: string; status: string; target: unknown; figures: { messages: { sent: number; delivered: number } } }[] }

function expectTargetEverywhere(run: ChaosRun, kind: string, scenario: string): void {
  const version = installedXmppVersionSync(kind as "prosody")!;
  const target = { name: kind, version };
  // a local Toxiproxy listens on 127.0.0.1, a container's mapped port is on the engine's host (localhost)
  expect(run.out).toMatch(new RegExp(`^\\[${scenario}\\] registering 10 accounts on ${kind} \\(ws://(127\\.0\\.0\\.1|localhost):\\d+/xmpp-websocket, domain localhost\\)$`, "m"));
  expect(run.out).toMatch(new RegExp(`^\\[${scenario}\\] 10 accounts ready in [\\d.]+ s \\(10 registered, 0 existed\\)$`, "m"));
  const summary = readRunFile<Summary>(run, "summary.json");
  expect(summary.target).toEqual(target);
  expect(summary.environment.versions).toMatchObject({ target: kind, [kind]: version });
  const s = summary.scenarios[0];
  expect([s.name, s.status, s.target]).toEqual([scenario, "completed", target]);
  expect(s.figures.messages.sent).toBeGreaterThan(0);
  expect(s.figures.messages.delivered).toBe(s.figures.messages.sent);
  expect(readRunFile<{ target: unknown }>(run, "verdict.json").target).toEqual(target);
  expect(readFileSync(join(run.runDir!, "junit.xml"), "utf8")).toContain(`<property name="targetVersion" value="${version}"/>`);
  expect(readFileSync(join(run.runDir!, "index.html"), "utf8")).toContain(`Server under test: <strong>${kind} ${version}</strong>`);
}

describe("a run against an XMPP server", () => {
  it("--target prosody: steady traffic over XMPP, the target in every output", async (ctx) => {
    await requireXmppServer("prosody", ctx);
    const reports = mkdtempSync(join(tmpdir(), "xmpp-run-"));
    const run = await runChaos(["--target", "prosody", "--env", "local", "--scenario", "steady", "--users", "10", "--rate", "5", "--duration", "6s", "--reports", reports], NO_VARIABLES);
    expect(run.code === 0 || run.code === 1, `${run.out}\n${run.err}`).toBe(true);
    expectTargetEverywhere(run, "prosody", "steady");
  });

  it("a suite's \"target\": \"ejabberd\" under --env auto runs ejabberd where the relay would run (containers where an engine answers)", async (ctx) => {
    await requireXmppServer("ejabberd", ctx);
    const dir = mkdtempSync(join(tmpdir(), "xmpp-run-"));
    const suite = join(dir, "on-ejabberd.json");
    writeFileSync(suite, JSON.stringify({ name: "on-ejabberd", scenarios: [{ scenario: "steady", name: "chat", target: "ejabberd", ...SHORT }] }));
    const run = await runChaos(["--suite", suite, "--reports", join(dir, "reports")], NO_VARIABLES);
    expect(run.code === 0 || run.code === 1, `${run.out}\n${run.err}`).toBe(true);
    expect(run.out).toMatch(/target ejabberd, environment (containers \(auto: \S+ \S+ answers at |local \(auto: .*, so ejabberd and Toxiproxy run as local processes)/);
    expectTargetEverywhere(run, "ejabberd", "chat");
  });
});
