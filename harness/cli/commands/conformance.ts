// `npm run chaos -- conformance [--target relay|prosody|ejabberd] [--target-config FILE] [--env ...]
// [--relay-command CMD | --relay-image IMAGE]`: starts the server under test as a run would, runs a
// fixed list of checks against it over real WebSockets (the relay's protocol checks in
// harness/conformance/, the XMPP checks in harness/conformance/xmpp/), prints a table, writes
// conformance.json into a folder under --reports, and stops everything. `--xmpp-url URL
// --xmpp-domain D` runs the XMPP checks against a server that is already running, starting nothing.
// Exit 0: every check passed; 1: one failed; 2: bad input; 3: environment missing.
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { formatTable } from "../../conformance/check.ts";
import { parseConformanceFlags } from "../../conformance/conformance-flags.ts";
import { runConformance, writeConformanceReport, type ConformanceReport } from "../../conformance/run-conformance.ts";
import { ensureReachable, runXmppConformance, runXmppConformanceAt } from "../../conformance/xmpp/run-xmpp-conformance.ts";
import type { Environment } from "../../environments/environment.ts";
import { selectEnvironment } from "../../environments/select-environment.ts";
import { startEnvironment } from "../../environments/start-environment.ts";
import { removeLeftovers } from "../../environments/containers/run-labels.ts";
import { installInterrupts } from "../../run/interrupts.ts";
import { describeTarget, isXmppTarget, TARGETS } from "../../targets/target.ts";
import { EXIT } from "../../exit-codes.ts";
import type { Command } from "../main.ts";

const USAGE = `usage: npm run chaos -- conformance [--target ${TARGETS.join("|")}] [--target-config FILE] [--env local|containers|auto]
                                    [--relay-command CMD | --relay-image IMAGE] [--reports DIR]
       npm run chaos -- conformance --xmpp-url ws://HOST:PORT/PATH --xmpp-domain DOMAIN [--reports DIR]

Starts the server under test as a run would, runs a fixed list of checks against it over real
WebSockets, prints a table (PASS, FAIL or N/A, each with what it measured) and writes
<reports>/<id>-conformance/conformance.json (with the target and its version), then stops everything.
  --target relay        the default (also CHAOS_TARGET): the reference relay, or yours with
                        --relay-command / --relay-image, against fixtures/relay/PROTOCOL.md
  --target prosody|ejabberd
                        the XMPP server from its Debian package with the configuration a run
                        generates (or --target-config FILE), in the environment --env selects
                        as a run does (--env local works; containers where XMPP images exist): the
                        WebSocket subprotocol, SASL PLAIN, in-band registration, resource binding,
                        stream management (enable, acks, the server's <r/>, resumption after a
                        dropped connection), offline storage with <delay/>, acked messages once
  --xmpp-url URL --xmpp-domain DOMAIN
                        the same XMPP checks against any XMPP server already running at URL
                        (ws:// or wss://, RFC 7395), which you start yourself: the harness starts
                        only prosody and ejabberd, and starts nothing here (no Toxiproxy). The
                        server must allow in-band registration and SASL PLAIN over that URL;
                        the accounts the checks register are removed again afterwards.
exit codes: 0 every check passed (N/A is not a failure), 1 one failed, 2 bad input, 3 environment
missing (a server package not installed and not installable here, a server that did not come up,
nothing answering at --xmpp-url).`;

/** XMPP measurements say more (stamps, ids, counts): a wider column. */
const XMPP_MEASURED_WIDTH = 120;

export const command: Command = {
  summary: "check the server under test (the relay, prosody, ejabberd, or any XMPP server by URL) for what the scenarios rely on; table + conformance.json",
  async main(args) {
    const request = parseConformanceFlags(args, USAGE);
    if (request.kind === "help") {
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    const log = (line: string) => process.stdout.write(`${line}\n`);
    const printResult = (r: { status: string; name: string }) => log(`  ${r.status.padEnd(4)} ${r.name}`);
    const runId = `${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-")}-conformance`;
    let env: Environment | null = null;
    // Ctrl-C, SIGTERM or SIGHUP: stop the checks, stop the server and Toxiproxy, exit 130
    const interrupts = installInterrupts({ write: (line) => process.stderr.write(`${line}\n`), emergencyCleanup: () => removeLeftovers({ mine: true }).catch(() => undefined) });
    const interrupted = new Promise<never>((_, reject) => interrupts.signal.addEventListener("abort", () => reject(interrupts.signal.reason), { once: true }));
    interrupted.catch(() => undefined);
    try {
      let report: ConformanceReport;
      let dir: string;
      if (request.kind === "url") {
        await ensureReachable(request.url);
        dir = reportFolder(request.reportsDir, runId);
        log(`conformance ${runId}: XMPP server at ${request.url} (domain ${request.domain}), already running, started by nobody here; folder ${dir}`);
        const checked = await Promise.race([runXmppConformanceAt(request.url, request.domain, printResult), interrupted]);
        report = checked.report;
        const { registered, removed, left } = checked.cleanup;
        log(`removed ${removed} of the ${registered} accounts the checks registered${left.length ? `; still on the server: ${left.join("; ")}` : ""}`);
      } else {
        const selection = await selectEnvironment(request.env, log, request.relay, [request.target]);
        dir = reportFolder(request.reportsDir, runId);
        log(`conformance ${runId}: target ${request.target} (${request.chosenBy}), environment ${selection.kind} (${selection.reason}), folder ${dir}`);
        env = await startEnvironment(selection.kind, { runId, logDir: dir, relayEnv: {}, certificate: null, log, relay: request.relay, target: request.target, ...(request.targetConfig ? { targetConfig: request.targetConfig } : {}) });
        log(`checking ${describeTarget(env.target)}`);
        const xmpp = isXmppTarget(env.target.name);
        report = await Promise.race([xmpp ? runXmppConformance(env, printResult) : runConformance(env, undefined, printResult), interrupted]);
      }
      const file = writeConformanceReport(dir, report);
      log("");
      log(formatTable(report.checks, report.target.protocol === "xmpp" ? XMPP_MEASURED_WIDTH : undefined));
      log("");
      log(`${report.counts.pass} passed, ${report.counts.fail} failed, ${report.counts.notAvailable} not available; ${file}`);
      return report.passed ? EXIT.ok : EXIT.sloFailed;
    } catch (error) {
      if (!interrupts.signal.aborted || interrupts.crash()) throw error;
      return EXIT.interrupted;
    } finally {
      await env?.stop();
      interrupts.dispose();
    }
  },
};

function reportFolder(reportsDir: string, runId: string): string {
  const dir = resolve(reportsDir, runId);
  mkdirSync(dir, { recursive: true });
  return dir;
}
