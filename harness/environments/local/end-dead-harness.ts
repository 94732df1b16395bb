// What a lifeline watchdog (lifeline.ts) runs once its harness is gone:
//   node --import tsx harness/environments/local/end-dead-harness.ts <record file>
// Ends what the record lists, as `npm run chaos -- clean` would, and prints what it ended (the
// watchdog appends that to lifeline.log in the runtime folder). A harness that still runs (a
// record file given by mistake) is left alone, as by clean.
import { dirname } from "node:path";
import { describeLocalSweep, endLocalLeftovers } from "./local-leftovers.ts";

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: end-dead-harness.ts <record file>\n");
  process.exit(2);
}
const sweep = await endLocalLeftovers({ dir: dirname(file), file });
const stamp = new Date().toISOString();
for (const line of describeLocalSweep(sweep)) process.stdout.write(`${stamp} lifeline: ${line}\n`);
