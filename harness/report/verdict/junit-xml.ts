// junit.xml in the common (Jenkins/Surefire, "junit-10") JUnit format: one test suite per scenario,
// one test case per objective and per checker. Each case carries the measured value, the limit and
// the report path in its <system-out> and, when it did not pass, in the message of its <failure>
// (fail) or <error> (unknown: nothing proved it passed). Suite properties name the report folder
// and the server under test (target, targetVersion).
import type { Judgement } from "../../verdict/judgement.ts";
import type { RunVerdict } from "../../verdict/run-verdict.ts";

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "?");

function caseXml(j: Judgement, reportDir: string): string {
  const text = `measured: ${j.measured ?? "nothing measured"}; limit: ${j.limit ?? "none"}; report: ${reportDir}`;
  const details = JSON.stringify(j.details);
  const body = j.status === "fail" ? `      <failure message="${escape(text)}" type="${j.source}">${escape(`${text}\n${details}`)}</failure>\n`
    : j.status === "unknown" ? `      <error message="${escape(`unknown: ${text}`)}" type="unknown">${escape(`${text}\n${details}`)}</error>\n` : "";
  return `    <testcase name="${escape(j.name)}" classname="${escape(`e2ee-chaos.${j.scenario}.${j.source}`)}" time="0">\n${body}      <system-out>${escape(`${j.status}: ${text}`)}</system-out>\n    </testcase>`;
}

export function junitXml(verdict: RunVerdict, reportDir: string): string {
  const byScenario = new Map<string, Judgement[]>();
  for (const j of verdict.judgements) byScenario.set(j.scenario, [...(byScenario.get(j.scenario) ?? []), j]);
  const runProps = [["report", reportDir], ["gate", verdict.gate], ["unknown", verdict.unknownPolicy], ["slo", verdict.slo ?? ""], ["baseline", verdict.baseline ?? ""]];
  const suites = [...byScenario].map(([scenario, list]) => {
    const target = verdict.targets?.[scenario] ?? verdict.target ?? null;
    const props = [...runProps, ...(target ? [["target", target.name], ["targetVersion", target.version ?? "not started"]] : [])]
      .map(([n, v]) => `      <property name="${n}" value="${escape(v)}"/>`).join("\n");
    const failures = list.filter((j) => j.status === "fail").length;
    const errors = list.filter((j) => j.status === "unknown").length;
    return `  <testsuite name="${escape(`${verdict.runId}/${scenario}`)}" tests="${list.length}" failures="${failures}" errors="${errors}" skipped="0" time="0">\n    <properties>\n${props}\n    </properties>\n${list.map((j) => caseXml(j, reportDir)).join("\n")}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${escape(verdict.runId)}" tests="${verdict.judgements.length}" failures="${verdict.counts.fail}" errors="${verdict.counts.unknown}" time="0">\n${suites.join("\n")}\n</testsuites>\n`;
}
