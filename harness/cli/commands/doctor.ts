// `npm run chaos -- doctor`: print every component with its version or its fix; exit 3 if any is missing.
import type { Command } from "../main.ts";
import { EXIT } from "../../exit-codes.ts";
import { formatDoctorReport, runDoctor } from "../../toolchain/doctor.ts";

export const command: Command = {
  summary: "check node, k6, toxiproxy, the XMPP servers, the container engine and images; print fixes",
  async main(args) {
    const report = await runDoctor({ startEngine: !args.includes("--no-start") });
    if (args.includes("--json")) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(`${formatDoctorReport(report)}\n`);
    return report.ok ? EXIT.ok : EXIT.environmentMissing;
  },
};
