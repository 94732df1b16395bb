// Malformed or wrong SLO and suite files are refused before anything starts: exit code 2 and a
// message naming the file, the path in it and the allowed values. Every case goes through the CLI's
// main() in this process (the exit code the CLI maps the error to); three also as real processes.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../../harness/exit-codes.ts";
import { main } from "../../harness/cli/main.ts";
import { stringify as toYaml } from "yaml";
import { loadSlo } from "../../harness/verdict/load-slo.ts";
import { sloJsonSchema } from "../../harness/verdict/slo-schema.ts";

const dir = mkdtempSync(join(tmpdir(), "slo-bad-"));
let n = 0;
function file(content: unknown, raw = false, ext = "json"): string {
  const f = join(dir, `case-${n++}.${ext}`);
  writeFileSync(f, raw ? String(content) : JSON.stringify(content));
  return f;
}
const slo = (objective: Record<string, unknown>, extra: Record<string, unknown> = {}) => file({ objectives: [objective], ...extra });
const p99 = { figure: "latency.p99", op: "<=", value: 500, unit: "ms" };

function chaos(...args: string[]): Promise<{ code: number | null; err: string; out: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ["--import", "tsx", "harness/cli/main.ts", ...args], { encoding: "utf8", timeout: 60_000 }, (error, out, err) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, out, err });
    });
  });
}

async function chaosInProcess(...args: string[]): Promise<{ code: number; err: string }> {
  try {
    return { code: await main(args), err: "" };
  } catch (error) {
    return { code: exitCodeFor(error), err: (error as Error).message };
  }
}

interface Case { what: string; args: string[]; expect: (string | RegExp)[] }

const suiteFile = (content: Record<string, unknown>) => file({ scenarios: [{ scenario: "steady" }], ...content });
const cases: Case[] = (() => {
  const notJson = file("{ objectives: [", true);
  const extraKey = file({ objectives: [], gate: "strict" });
  const notArray = file({ objectives: { figure: "latency.p99" } });
  const figure = slo({ ...p99, figure: "latency.p98" });
  const phase = slo({ ...p99, phase: "lunch" });
  const fault = slo({ ...p99, fault: "meteor" });
  const unit = slo({ ...p99, unit: "kg" });
  const unitFamily = slo({ ...p99, unit: "%" });
  const noUnit = slo({ figure: "latency.p99", op: "<=", value: 500 });
  const noValue = slo({ figure: "messages.lostAfterAck", op: "==" });
  const both = slo({ ...p99, maxRegression: "10%" });
  const regression = slo({ figure: "latency.p99", maxRegression: "10" });
  const faultOnly = slo({ figure: "recovery.ttr", op: "<=", value: 30, unit: "s" });
  const phaseOnly = slo({ figure: "privacy.canariesFound", op: "==", value: 0, fault: "relay-crash" });
  const scenario = slo({ ...p99, scenario: "stedy" });
  const windowAlone = slo({ ...p99, window: "after" });
  const policy = slo(p99, { unknown: "maybe" });
  const valueText = slo({ ...p99, value: "500" });
  const op = slo({ ...p99, op: "=<" });
  const notYaml = file("objectives:\n  - figure: latency.p99\n    op: [<=\n", true, "yaml");
  const yamlDuplicate = file("objectives: []\nobjectives: []\n", true, "yml");
  const yamlFigure = file("objectives:\n  - figure: latency.p98\n    op: \"<=\"\n    value: 500\n    unit: ms\n", true, "yaml");
  const suiteSlo = suiteFile({ slo: join(dir, "missing-slo.json") });
  const suiteField = suiteFile({ gate: "strict" });
  return [
    { what: "a file that is not JSON", args: ["--slo", notJson], expect: [`${notJson}: not valid JSON`] },
    { what: "an unknown top-level field", args: ["--slo", extraKey], expect: [`${extraKey}: (top level): Unrecognized key: "gate"`] },
    { what: "objectives that are not an array", args: ["--slo", notArray], expect: [`${notArray}: objectives:`, "expected array"] },
    { what: "an unknown figure, listing the real ones", args: ["--slo", figure], expect: [`${figure}: objectives[0].figure:`, `"latency.p99"`, `"recovery.ttr"`] },
    { what: "an unknown phase", args: ["--slo", phase], expect: [`${phase}: objectives[0].phase:`, `"whole"|"steady"|"storm"`] },
    { what: "an unknown fault kind", args: ["--slo", fault], expect: [`${fault}: objectives[0].fault:`, `"relay-crash"`] },
    { what: "a unit that does not exist", args: ["--slo", unit], expect: [`${unit}: objectives[0].unit:`, `"ms"|"s"`] },
    { what: "a unit of the wrong kind for the figure", args: ["--slo", unitFamily], expect: [`${unitFamily}: objectives[0].unit: '%' is not a unit of latency.p99 (a ms figure); allowed: ms, s`] },
    { what: "a time limit without its unit", args: ["--slo", noUnit], expect: [`${noUnit}: objectives[0].unit: latency.p99 is a ms figure: say its unit; allowed: ms, s`] },
    { what: "an op without a value", args: ["--slo", noValue], expect: [`${noValue}: objectives[0].value: op and value go together`] },
    { what: "an absolute and a relative limit at once", args: ["--slo", both], expect: [`${both}: objectives[0].maxRegression: give either op and value, or maxRegression, not both`] },
    { what: "a relative limit that is not a percentage", args: ["--slo", regression], expect: [`${regression}: objectives[0].maxRegression: must be a percentage like "10%"`] },
    { what: "a fault figure without a fault", args: ["--slo", faultOnly], expect: [`${faultOnly}: objectives[0].figure: recovery.ttr is measured in a fault window (give fault)`] },
    { what: "a whole-run figure in a fault window", args: ["--slo", phaseOnly], expect: [`${phaseOnly}: objectives[0].fault: privacy.canariesFound is measured over a phase`] },
    { what: "a scenario the suite does not have", args: ["--slo", scenario], expect: [`${scenario}: objectives[0].scenario: 'stedy' is not in the suite; allowed: steady,`] },
    { what: "a window without its fault", args: ["--slo", windowAlone], expect: [`${windowAlone}: objectives[0].window: window needs fault`] },
    { what: "an unknown-policy other than fail or pass", args: ["--slo", policy], expect: [`${policy}: unknown:`, `"fail"|"pass"`] },
    { what: "a number written as text", args: ["--slo", valueText], expect: [`${valueText}: objectives[0].value:`, "expected number"] },
    { what: "an unknown comparison", args: ["--slo", op], expect: [`${op}: objectives[0].op:`, `"<="|"<"|">="|">"|"=="`] },
    { what: "a YAML file that is not YAML, naming the line", args: ["--slo", notYaml], expect: [`${notYaml}: line 4, column 1: not valid YAML`] },
    { what: "a YAML file with a key given twice", args: ["--slo", yamlDuplicate], expect: [`${yamlDuplicate}: line 2, column 1: not valid YAML`, "unique"] },
    { what: "an unknown figure in a YAML file", args: ["--slo", yamlFigure], expect: [`${yamlFigure}: objectives[0].figure:`, `"latency.p99"`] },
    { what: "an SLO file that does not exist", args: ["--slo", join(dir, "nope.json")], expect: [`SLO file ${join(dir, "nope.json")} not found`] },
    { what: "a suite naming an SLO file that does not exist", args: ["--suite", suiteSlo], expect: [`${suiteSlo}: slo:`, "allowed: a path to an existing .json, .yaml or .yml file"] },
    { what: "a suite with an unknown top-level field", args: ["--suite", suiteField], expect: [`${suiteField}: gate: unknown field; allowed: $schema, name, description, slo, scenarios`] },
    { what: "a baseline run that does not exist", args: ["--baseline", "no-such-run", "--reports", dir], expect: ["--baseline=no-such-run: no such run; allowed: a run id under"] },
  ];
})();

describe("SLO and suite files are checked before anything starts (exit code 2)", () => {
  it(`refuses ${cases.length} malformed or wrong files, each with a message naming the problem`, async () => {
    const withSuite = (c: Case) => (c.args.includes("--suite") ? c.args : [...c.args, "--suite", "ci"]);
    for (const c of cases) {
      const r = await chaosInProcess(...withSuite(c), "--env", "local", "--reports", join(dir, "reports"));
      expect({ what: c.what, code: r.code }).toEqual({ what: c.what, code: 2 });
      for (const fragment of c.expect) expect(r.err, c.what).toContain(fragment);
    }
    // nothing started: no run folder was made
    expect(existsSync(join(dir, "reports"))).toBe(false);
    // the same through real processes: the exit code and the message on stderr
    for (const c of [cases[0], cases[7], cases[20], cases[21]]) {
      const r = await chaos(...withSuite(c), "--env", "local");
      expect({ what: c.what, code: r.code }).toEqual({ what: c.what, code: 2 });
      for (const fragment of c.expect) expect(r.err, c.what).toContain(fragment);
      expect(r.out, c.what).not.toMatch(/^run \d{8}-/m);
    }
  }, 90_000);

  it("lists the figures from the code, and accepts the ci suite's own SLO file", async () => {
    const list = await chaos("slo", "--list");
    expect(list.code).toBe(0);
    for (const figure of ["latency.p99", "messages.lostAfterAck", "recovery.ttr", "failover.p95", "privacy.canariesFound", "messages.redeliveryRate", "generator.saturatedSpans"]) expect(list.out).toMatch(new RegExp(`^  ${figure.replace(".", "\\.")} `, "m"));
    // the JSON Schema for editors is the one the code validates with (regenerate: npm run -s chaos -- slo --schema > fixtures/slo/slo.schema.json)
    expect(JSON.parse(readFileSync("fixtures/slo/slo.schema.json", "utf8"))).toEqual(sloJsonSchema());
    expect(JSON.stringify(sloJsonSchema())).toContain('"enum":["whole","steady","storm"]');
    const check = await chaos("slo", "--check", "fixtures/slo/ci.json", "--suite", "ci");
    expect(check).toMatchObject({ code: 0, out: expect.stringContaining("fixtures/slo/ci.json: 7 objective(s), valid") });
    // the same objectives written as YAML are the same SLO
    const yaml = join(dir, "ci.yaml");
    writeFileSync(yaml, toYaml(JSON.parse(readFileSync("fixtures/slo/ci.json", "utf8"))));
    expect(loadSlo(yaml, ["steady", "ip-block", "relay-crash", "outage"])).toEqual({ ...loadSlo("fixtures/slo/ci.json", ["steady", "ip-block", "relay-crash", "outage"]), source: yaml });
    const yamlCheck = await chaos("slo", "--check", yaml, "--suite", "ci");
    expect(yamlCheck).toMatchObject({ code: 0, out: expect.stringContaining(`${yaml}: 7 objective(s), valid`) });
  }, 60_000);
});
