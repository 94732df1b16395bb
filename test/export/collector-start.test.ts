// The collector starts the fault timeline at the earliest start record any runner has written in
// the records claim (runners/<pod>/k6-console.jsonl), ignoring runners not yet started and a
// half-written line, as a local run starts it at k6's first start record.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { firstStart } from "../../harness/export/k8s/collect/collect.ts";
import { encodeRecord } from "../../scenarios/lib/record-codec.ts";
import type { ClientEvent } from "../../scenarios/lib/client-events.ts";

/** one line of k6's JSON console output carrying records, as the runners write it */
const k6Line = (...events: ClientEvent[]) => `${JSON.stringify({ level: "info", msg: events.map(encodeRecord).join("\n"), source: "console" })}\n`;

const START = (t: number): ClientEvent => ({ ev: "start", t, vus: 4 });

describe("collector start", () => {
  it("takes the earliest start record across runners, and none before any runner started", () => {
    const dir = mkdtempSync(join(tmpdir(), "records-"));
    expect(firstStart(dir)).toBeNull();
    const runner = (pod: string, text: string) => {
      mkdirSync(join(dir, "runners", pod), { recursive: true });
      writeFileSync(join(dir, "runners", pod, "k6-console.jsonl"), text);
    };
    runner("chaos-x-1-abcde", "");
    expect(firstStart(dir)).toBeNull();
    runner("chaos-x-2-fghij", k6Line(START(1000)));
    runner("chaos-x-3-klmno", k6Line(START(992)));
    runner("chaos-x-4-pqrst", k6Line(START(900)).slice(0, 30));
    expect(firstStart(dir)).toBe(992);
  });
});
