// The surge against the XMPP servers, short, through the real main job on local processes: each
// newcomer registers its account in band (XEP-0077) on its first stream, logs in, publishes its
// key bundle with PEP, fetches its contacts' bundles with a pubsub items request, agrees a session
// by X3DH and sends a first <message>; the contacts answer. Registration refusals are the server's
// (e.g. ejabberd's per-address registration_timeout), reported as register:xmpp:<condition>.
// Bundles list one-time prekeys, as OMEMO's do: a newcomer picks one at random, the contact
// publishes its bundle again without the one it consumed; with 5 users of 5 one-time prekeys each
// and about 60 bundle fetches, the stock runs out (fallback to the signed prekey, counted), and two
// newcomers may pick the same one before the republication (reported, and accepted within the
// contact's grace).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { signUpRecords } from "../../harness/analysis/surge/surge-figures.ts";
import type { RunSummary } from "../../harness/report/run-summary.ts";
import { installedXmppVersionSync, XMPP_SERVER_SPECS, type XmppServerKind } from "../../harness/targets/xmpp/xmpp-server-kind.ts";
import { ONE_TIME_PREKEY_GRACE_MS } from "../../scenarios/lib/drivers/xmpp-prekeys.ts";
import { isOneTimePrekeyUseRecord, type OneTimePrekeyUseRecord } from "../../scenarios/lib/surge/one-time-prekey-use.ts";
import type { SignUpRecord } from "../../scenarios/lib/surge/sign-up-record.ts";
import { requireTool, requireXmppServer } from "../support/require-tool.ts";

const CONTACTS = 2;
/** users in the runs per server: 5 one-time prekeys each (the population's batch), 25 in all */
const FEW_USERS = 5;

/** about 30 newcomers over 12 s (1 to 4 sign-ups per second), 2 contacts each, among `users` users */
function suiteFor(kind: XmppServerKind, users: number): object {
  return {
    name: `surge-${kind}`,
    scenarios: [{
      scenario: "surge", name: "surge", target: kind, users, rate: 5, warmup: "3s", duration: "12s", drain: "10s",
      k6Env: { SURGE_FROM_PER_S: "1", SURGE_PEAK_PER_S: "4", SURGE_CONTACTS: String(CONTACTS), SURGE_MAX_VUS: "40" },
    }],
  };
}

interface Run { summary: RunSummary; signUps: SignUpRecord[]; shown: Set<string>; prekeyUses: OneTimePrekeyUseRecord[]; out: string }

async function surgeOn(kind: XmppServerKind, users: number, extraArgs: (dir: string) => string[] = () => []): Promise<Run> {
  await requireTool("k6");
  await requireTool("toxiproxy-server");
  const dir = mkdtempSync(join(tmpdir(), `surge-${kind}-`));
  const suite = join(dir, "suite.json");
  writeFileSync(suite, JSON.stringify(suiteFor(kind, users)));
  const run = spawnSync(process.execPath, ["--import", "tsx", "harness/cli/main.ts", "--suite", suite, "--env", "local", "--reports", dir, ...extraArgs(dir)], { encoding: "utf8", timeout: 240_000 });
  const out = `${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`;
  const summaryFile = join(dir, "latest", "summary.json");
  if (!existsSync(summaryFile)) throw new Error(`surge on ${kind} wrote no summary (exit ${run.status}):\n${out}`);
  const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as RunSummary;
  const events = readFileSync(join(dir, "latest", "surge", "events.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { ev: string; id?: string; dup?: boolean });
  const shown = new Set(events.filter((e) => e.ev === "delivered" && !e.dup && e.id).map((e) => e.id!));
  return { summary, signUps: signUpRecords(events), shown, prekeyUses: events.filter(isOneTimePrekeyUseRecord), out };
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
 * The one-time prekeys, from the records against the figures: picks by the newcomers (sign-up
 * records), uses by the contacts (their opk_used records). Every pick of a registered newcomer was
 * used by its contact (its first message was shown): the first use of a prekey consumed it, each
 * further pick of it was a reuse within the grace; each contact consumed each of its prekeys once.
 */
function expectPrekeysPicked(kind: XmppServerKind, { summary, signUps, prekeyUses, out }: Run): void {
  const surge = summary.scenarios[0].figures.surge!;
  const picked = surge.clientPicked;
  expect(picked, out).not.toBeNull();
  expect(signUps.every((s) => s.oneTimePrekeysPicked === "by-client")).toBe(true);
  const fetches = signUps.flatMap((s) => s.fetches);
  const exhausted = fetches.filter((f) => f.latencyMs !== null && f.oneTimePrekey === null).length;
  expect(exhausted, `${kind}: ${fetches.length} fetches of ${FEW_USERS * 5} one-time prekeys, none exhausted`).toBeGreaterThan(0);
  expect(surge.oneTimePrekeysExhausted).toBe(exhausted);
  const picks = new Map<string, number>();
  for (const f of fetches) if (f.oneTimePrekey !== null) picks.set(`${f.contact}/${f.oneTimePrekey}`, (picks.get(`${f.contact}/${f.oneTimePrekey}`) ?? 0) + 1);
  const twice = [...picks].filter(([, n]) => n > 1);
  expect(picked!.pickedTwice, `${kind}: picked twice ${JSON.stringify(twice)}`).toBe(twice.length);
  expect(picked!.pickedTwiceIds.sort()).toEqual(twice.map(([key]) => key).sort().slice(0, 20));
  expect(surge.oneTimePrekeysHandedOutTwice).toBe(twice.length);
  const secondPicks = twice.reduce((n, [, count]) => n + count - 1, 0);
  expect(picked!.reusedWithinGrace, `${kind}: picked twice ${JSON.stringify(twice)}`).toBe(secondPicks);
  expect(prekeyUses.filter((u) => u.reused).length).toBe(secondPicks);
  expect(picked!.refusedAfterGrace).toBe(0);
  const consumed = prekeyUses.filter((u) => !u.reused).map((u) => `${u.user}/${u.opk}`);
  expect(new Set(consumed).size, `${kind}: a one-time prekey consumed twice`).toBe(consumed.length);
  expect(consumed.sort()).toEqual([...picks.keys()].sort());
  expect(picked!.graceMs).toBe(ONE_TIME_PREKEY_GRACE_MS);
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
    it(`${kind}: newcomers register in band, publish and fetch bundles over PEP, pick one-time prekeys until they run out, and every registered one gets its first messages across and answered`, async (ctx) => {
      await requireXmppServer(kind, ctx);
      const run = await surgeOn(kind, FEW_USERS);
      expectSurgeDelivered(kind, run);
      expectPrekeysPicked(kind, run);
    }, 300_000);
  }

  it("prosody with a per-address registration throttle: the refused newcomers are reported with Prosody's condition, the others deliver", async (ctx) => {
    await requireXmppServer("prosody", ctx);
    const run = await surgeOn("prosody", 20, throttledProsodyConfig);
    expectSurgeDelivered("prosody", run);
    const surge = run.summary.scenarios[0].figures.surge!;
    expect(surge.accepted, JSON.stringify(surge.refusedBy)).toBe(2);
    expect(surge.refused).toBe(run.signUps.length - 2);
    expect(surge.refusedBy).toEqual({ "register:xmpp:policy-violation": surge.refused });
  }, 300_000);
});
