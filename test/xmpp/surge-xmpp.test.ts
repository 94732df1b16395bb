// The surge against the XMPP servers, short, through the real main job on local processes: each
// newcomer registers its account in band (XEP-0077) on its first stream, logs in, publishes its
// key bundle with PEP, fetches its contacts' bundles with a pubsub items request, agrees a session
// by X3DH and sends a first <message>; the contacts answer. Registration refusals are the server's
// (e.g. ejabberd's per-address registration_timeout), reported as register:xmpp:<condition>.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { signUpRecords } from "../../harness/analysis/surge/surge-figures.ts";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import { installedXmppVersionSync, XMPP_SERVER_SPECS, type XmppServerKind } from "../../harness/targets/xmpp/xmpp-server-kind.ts";
import type { SignUpRecord } from "../../scenarios/lib/surge/sign-up-record.ts";
import { requireTool, requireXmppServer } from "../support/require-tool.ts";

const CONTACTS = 2;

/** about 30 newcomers over 12 s (1 to 4 sign-ups per second), 2 contacts each, among 20 users */
function suiteFor(kind: XmppServerKind): object {
  return {
    name: `surge-${kind}`,
    scenarios: [{
      scenario: "surge", name: "surge", target: kind, users: 20, rate: 5, warmup: "3s", duration: "12s", drain: "10s",
      k6Env: { SURGE_FROM_PER_S: "1", SURGE_PEAK_PER_S: "4", SURGE_CONTACTS: String(CONTACTS), SURGE_MAX_VUS: "40" },
    }],
  };
}

interface Run { summary: RunSummary; signUps: SignUpRecord[]; shown: Set<string>; out: string }

async function surgeOn(kind: XmppServerKind, extraArgs: (dir: string) => string[] = () => []): Promise<Run> {
  await requireTool("k6");
  await requireTool("toxiproxy-server");
  const dir = mkdtempSync(join(tmpdir(), `surge-${kind}-`));
  const suite = join(dir, "suite.json");
  writeFileSync(suite, JSON.stringify(suiteFor(kind)));
  const run = spawnSync(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "--suite", suite, "--env", "local", "--reports", dir, ...extraArgs(dir)], { encoding: "utf8", timeout: 240_000 });
  const out = `${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`;
  const summaryFile = join(dir, "latest", "summary.json");
  if (!existsSync(summaryFile)) throw new Error(`surge on ${kind} wrote no summary (exit ${run.status}):\n${out}`);
  const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as RunSummary;
  const events = readFileSync(join(dir, "latest", "surge", "events.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { ev: string; id?: string; dup?: boolean });
  const shown = new Set(events.filter((e) => e.ev === "delivered" && !e.dup && e.id).map((e) => e.id!));
  return { summary, signUps: signUpRecords(events), shown, out };
}

function expectSurgeDelivered(kind: XmppServerKind, { summary, signUps, shown, out }: Run): void {
  const result = summary.scenarios[0];
  expect(result.status, out).toBe("completed");
  expect(result.target).toEqual({ name: kind, version: installedXmppVersionSync(kind) });
  const surge = result.figures.surge!;
  expect(signUps.length, out).toBeGreaterThan(15);
  expect(surge.signUps).toBe(signUps.length);
  const registered = signUps.filter((s) => s.outcome === "registered");
  expect(registered.length, JSON.stringify(surge.refusedBy)).toBeGreaterThan(0);
  for (const s of registered) {
    expect(s.firstMessages.length, `newcomer ${s.user}`).toBe(CONTACTS);
    for (const id of s.firstMessages) expect(shown.has(id), `newcomer ${s.user} on ${kind}: first message ${id} never delivered`).toBe(true);
    expect(s.answers, `newcomer ${s.user} on ${kind}: answers`).toBe(CONTACTS);
  }
  expect(surge.firstMessageUndelivered).toBe(0);
  // every refusal is the server's, with its XMPP condition, counted by reason in the figures
  const refusals = signUps.flatMap((s) => s.refusals);
  for (const reason of refusals) expect(reason).toMatch(/^(register:xmpp:[a-z-]+|connect:.+)$/);
  expect(Object.values(surge.refusedBy).reduce((a, b) => a + b, 0)).toBe(refusals.length);
  for (const s of signUps.filter((x) => x.outcome === "refused")) expect(s.refusals.at(-1), `newcomer ${s.user}`).toMatch(/^register:xmpp:[a-z-]+$/);
  expect(surge.accepted + surge.refused + surge.unfinished).toBe(signUps.length);
  expect(surge.unfinished, JSON.stringify(surge.refusedBy)).toBe(0);
}

/**
 * Prosody's template with its per-address registration throttle turned on for loopback (Prosody
 * 0.12 allowlists 127.0.0.1 and ::1 by default and sets no throttle): 22 registrations per 600 s,
 * so the harness registers the 20 users, two newcomers get in and the rest are refused.
 */
function throttledProsodyConfig(dir: string): string[] {
  const file = join(dir, "throttled-prosody.cfg.lua");
  const throttle = "registration_allowlist = { }\nregistration_throttle_max = 22\nregistration_throttle_period = 600\n{{EXTRA_CONFIG}}";
  writeFileSync(file, readFileSync(XMPP_SERVER_SPECS.prosody.template, "utf8").replace("{{EXTRA_CONFIG}}", throttle));
  return ["--target-config", file];
}

describe("the surge against the XMPP servers, short, on local processes", () => {
  for (const kind of ["prosody", "ejabberd"] as const) {
    it(`${kind}: newcomers register in band, publish and fetch bundles over PEP, and every registered one gets its first messages across and answered`, async (ctx) => {
      await requireXmppServer(kind, ctx);
      expectSurgeDelivered(kind, await surgeOn(kind));
    }, 300_000);
  }

  it("prosody with a per-address registration throttle: the refused newcomers are reported with Prosody's condition, the others deliver", async (ctx) => {
    await requireXmppServer("prosody", ctx);
    const run = await surgeOn("prosody", throttledProsodyConfig);
    expectSurgeDelivered("prosody", run);
    const surge = run.summary.scenarios[0].figures.surge!;
    expect(surge.accepted, JSON.stringify(surge.refusedBy)).toBe(2);
    expect(surge.refused).toBe(run.signUps.length - 2);
    expect(surge.refusedBy).toEqual({ "register:xmpp:policy-violation": surge.refused });
  }, 300_000);
});
