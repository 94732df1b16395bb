// `npm run chaos -- doctor`: print every component with its version or its fix; exit 3 if any is missing.
import type { Command } from "../main.ts";
import { parseCommandArgs } from "../command-args.ts";
import { EXIT } from "../../exit-codes.ts";
import { formatDoctorReport, runDoctor } from "../../toolchain/doctor.ts";

const USAGE = "usage: npm run chaos -- doctor [--no-start] [--json]   (--no-start: do not start the container engine's API service; --json: the report as JSON)";

export const command: Command = {
  summary: "check node, k6, toxiproxy, the XMPP servers, the container engine and images; print fixes",
  async main(args) {
    const parsed = parseCommandArgs("doctor", USAGE, { args, options: { "no-start": { type: "boolean" }, json: { type: "boolean" } } });
    if (!parsed) return EXIT.ok;
    const report = await runDoctor({ startEngine: parsed.values["no-start"] !== true });
    if (parsed.values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(`${formatDoctorReport(report)}\n`);
    return report.ok ? EXIT.ok : EXIT.environmentMissing;
  },
};
