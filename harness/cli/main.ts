// `npm run chaos -- <command>`: a small dispatcher. Each command lives in its own module under commands/.
// A first argument that is not a known command (or none at all) goes to `run`, the main job.
import { pathToFileURL } from "node:url";
import { EXIT } from "../exit-codes.ts";
import { RUN_HELP } from "../run/run-flags.ts";
import { runProgram } from "./run-program.ts";

export interface Command {
  summary: string;
  /** Resolves to the exit code. */
  main(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
  run: { summary: "run a chaos suite (the default when no command is given)", load: () => import("./commands/run.ts") },
  doctor: { summary: "check node, k6, toxiproxy, the XMPP servers, the container engine and images; print fixes", load: () => import("./commands/doctor.ts") },
  slo: { summary: "SLO files: --list the figures objectives may name, --schema, --check FILE", load: () => import("./commands/slo.ts") },
  tools: { summary: "build k6, toxiproxy and kubeconform into .tools/bin and prepare container images", load: () => import("./commands/tools.ts") },
  provision: { summary: "install what `npm test` needs (tools, Debian packages, Podman's API service, images), or name what is missing in one line", load: () => import("./commands/provision.ts") },
  clean: { summary: "end local processes and remove containers and networks left behind by earlier runs", load: () => import("./commands/clean.ts") },
  conformance: { summary: "check a server for what the scenarios rely on (the relay's wire protocol, or XMPP with --target prosody|ejabberd or --xmpp-url): a table of PASS/FAIL checks and conformance.json", load: () => import("./commands/conformance.ts") },
  report: { summary: "rebuild a run's HTML page (report RUN_ID) or the history of all runs (report [--all])", load: () => import("./commands/report.ts") },
  export: { summary: "export k8s --parallelism N --out DIR: manifests for a cluster with the k6-operator", load: () => import("./commands/export-k8s.ts") },
  analyse: { summary: "analyse DIR: records gathered from the k6-operator (collect) into summary.json, verdict and report, as a local run", load: () => import("./commands/analyse.ts") },
  collect: { summary: "collect --plan FILE --records DIR: the k6-operator collector Job's program (fault timeline, records)", load: () => import("./commands/collect-k8s.ts") },
};

export function helpText(): string {
  return [
    RUN_HELP,
    "",
    "other commands (npm run chaos -- <command>):",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`),
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--help" || first === "-h" || first === "help") {
    process.stdout.write(`${helpText()}\n`);
    return EXIT.ok;
  }
  const entry = first !== undefined ? COMMANDS[first] : undefined;
  if (entry) return (await entry.load()).command.main(rest);
  return (await COMMANDS.run.load()).command.main(argv);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runProgram(() => main(process.argv.slice(2)));
}
