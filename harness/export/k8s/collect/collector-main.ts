// The harness image's entrypoint (e2ee-chaos/harness, harness/toolchain/harness-image.ts): the
// collector, exactly `npm run chaos -- collect` (harness/cli/commands/collect-k8s.ts) bundled into
// one file, so the image needs neither npm nor node_modules. Its arguments are collect's options.
import { command } from "../../../cli/commands/collect-k8s.ts";
import { runProgram } from "../../../cli/run-program.ts";

runProgram(() => command.main(process.argv.slice(2)));
