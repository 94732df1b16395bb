// The order in which a parallel tier starts its files: the slowest first, so that no minute-long
// file starts last and holds the tier up. Vitest orders by the durations it cached in an earlier
// run, or, in a fresh clone without them, by file size (larger first), which puts the outage files
// (their suite is in test/support) last. SLOW_FILES, measured on 2 cores, comes first in its order.
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** End-to-end files of a minute or more (three at a time on 2 cores), slowest first. */
const SLOW_FILES = [
  "test/run/interrupt.test.ts",
  "test/targets/xmpp-containers.test.ts",
  "test/scenarios/outages-local-reconnects.test.ts",
  "test/scenarios/outages-containers.test.ts",
  "test/scenarios/outages-local-floods.test.ts",
  "test/checks/relay-fault-modes.test.ts",
  "test/scenarios/outages-local.test.ts",
  "test/scenarios/surge.test.ts",
  "test/verdict/gate-real-runs.test.ts",
  "test/xmpp/xmpp-targets-run.test.ts",
  "test/xmpp/surge-xmpp.test.ts",
];

export class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const at = SLOW_FILES.indexOf(relative(this.ctx.config.root, file.moduleId));
      return at < 0 ? SLOW_FILES.length : at;
    };
    // Array.prototype.sort is stable: the rest keeps vitest's own order
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}
