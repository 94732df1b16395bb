// `npm run chaos -- conformance [--env local|containers] [--relay-command CMD | --relay-image IMAGE]`:
// starts the environment's relay as a run would, runs a fixed list of protocol checks against it
// over real WebSockets (harness/conformance/), prints a table, writes conformance.json into a
// folder under --reports, and stops everything. Exit 0: every check passed; 1: one failed;
// 2: bad input; 3: environment missing.
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { formatTable } from "../../conformance/check.ts";
import { runConformance, writeConformanceReport } from "../../conformance/run-conformance.ts";
import type { Environment } from "../../environments/environment.ts";
import { checkRelayEnvironment, relayUnderTestFrom } from "../../environments/relay-under-test.ts";
import { selectEnvironment } from "../../environments/select-environment.ts";
import { startEnvironment } from "../../environments/start-environment.ts";
import { InputError } from "../../errors.ts";
import { removeLeftovers } from "../../environments/containers/run-labels.ts";
import { installInterrupts } from "../../run/interrupts.ts";
import { EXIT } from "../../exit-codes.ts";
import type { Command } from "../main.ts";

const USAGE = `usage: npm run chaos -- conformance [--env local|containers|auto] [--relay-command CMD | --relay-image IMAGE] [--reports DIR]

Starts the relay as a run would (the reference relay, or yours), runs the protocol checks of
fixtures/relay/PROTOCOL.md against it, prints a table and writes <reports>/<id>-conformance/conformance.json.
exit codes: 0 every check passed, 1 one failed, 2 bad input, 3 environment missing.`;

export const command: Command = {
  summary: "check a relay against the wire protocol (login, send/sent, delivery, ack, prekeys, limits); table + conformance.json",
  async main(args) {
    let values;
    try {
      ({ values } = parseArgs({ args, strict: true, allowPositionals: false, options: { env: { type: "string" }, "relay-command": { type: "string" }, "relay-image": { type: "string" }, reports: { type: "string" }, help: { type: "boolean", short: "h" } } }));
    } catch (e) {
      throw new InputError(`${(e as Error).message}\n${USAGE}`);
    }
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    const relay = relayUnderTestFrom({ relayCommand: values["relay-command"], relayImage: values["relay-image"] });
    checkRelayEnvironment(relay, values.env ?? (process.env.CHAOS_ENV || undefined), values.env !== undefined ? "--env" : "CHAOS_ENV");
    const log = (line: string) => process.stdout.write(`${line}\n`);
    const selection = await selectEnvironment(values.env, log, relay);
    const runId = `${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-")}-conformance`;
    const dir = resolve(values.reports ?? "reports", runId);
    mkdirSync(dir, { recursive: true });
    log(`conformance ${runId}: environment ${selection.kind} (${selection.reason}), folder ${dir}`);
    let env: Environment | null = null;
    // Ctrl-C, SIGTERM or SIGHUP: stop the checks, stop the relay and Toxiproxy, exit 130
    const interrupts = installInterrupts({ write: (line) => process.stderr.write(`${line}\n`), emergencyCleanup: () => removeLeftovers({ mine: true }).catch(() => undefined) });
    const interrupted = new Promise<never>((_, reject) => interrupts.signal.addEventListener("abort", () => reject(interrupts.signal.reason), { once: true }));
    interrupted.catch(() => undefined);
    try {
      env = await startEnvironment(selection.kind, { runId, logDir: dir, relayEnv: {}, certificate: null, log, relay });
      const report = await Promise.race([runConformance(env, undefined, (r) => log(`  ${r.status.padEnd(4)} ${r.name}`)), interrupted]);
      const file = writeConformanceReport(dir, report);
      log("");
      log(formatTable(report.checks));
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
