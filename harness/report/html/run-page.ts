// A run's page as one self-contained HTML string: the verdict, environment and parameters are
// written as HTML; the charts are drawn by the inlined client script from the embedded model.
import { pageHead } from "./page-head.ts";
import { FINDINGS_SHOWN } from "./findings.ts";
import { embedJson, escapeHtml as h } from "./html-escape.ts";
import { pageAssets } from "./page-assets.ts";
import type { RunModel, ScenarioModel } from "./run-model.ts";
import type { Status } from "./report-input.ts";
import { surgeSection } from "./surge-section.ts";

export function runPage(model: RunModel): string {
  const { script, style } = pageAssets("run-page");
  return `${pageHead(`${h(model.runId)}: ${h(model.overall.toUpperCase())}`, style)}
<a class="skip" href="#scenarios">Skip to the charts</a>
<header>
<p class="no-print"><a href="../index.html">All runs</a></p>
<h1>Run ${h(model.runId)} <span class="verdict-banner ${statusClass(model.overall)}" id="overall-verdict">${h(model.overall)}</span></h1>
${model.meta.target ? `<p id="target">Server under test: <strong>${h(model.meta.target)}</strong></p>` : ""}
${model.gate ? `<p>Gate (the exit code's verdict): <span class="${statusClass(model.gate)}" id="gate">${h(model.gate)}</span></p>` : ""}
${model.meta.description ? `<p>${h(model.meta.description)}</p>` : ""}
${model.meta.error ? `<p class="status-fail">Error: ${h(model.meta.error)}</p>` : ""}
</header>
<main>
<section aria-labelledby="verdict-h">
<h2 id="verdict-h">Verdict</h2>
${model.judgements ? verdictTable(model.judgements) : `<p id="no-verdict">This run wrote no verdict.json (it ended before it was judged, or predates the verdict layer): no verdict is shown, and none is made up here.</p>`}
</section>
<section aria-labelledby="run-h">
<h2 id="run-h">Run, environment and versions</h2>
<dl class="meta">
<dt>suite</dt><dd>${h(model.meta.suite)} <code>${h(model.meta.suiteSource)}</code></dd>
${model.meta.target ? `<dt>target</dt><dd>${h(model.meta.target)}</dd>` : ""}
<dt>status</dt><dd>${h(model.meta.status)}</dd>
<dt>started / ended</dt><dd>${h(model.meta.startedAt)} / ${h(model.meta.endedAt)}</dd>
<dt>environment</dt><dd>${h(model.meta.environment)}</dd>
${Object.entries(model.meta.versions).map(([k, v]) => `<dt>${h(k)}</dt><dd><code>${h(v)}</code></dd>`).join("\n")}
<dt>seed</dt><dd id="seed">${h(model.meta.seeds)}</dd>
</dl>
<h3>Command that re-runs it</h3>
<pre id="command">${h(model.meta.command)}</pre>
</section>
<section id="scenarios" aria-label="Scenarios">
${model.scenarios.map(scenarioSection).join("\n")}
</section>
${model.restart.length ? restartSection(model) : ""}
</main>
<script type="application/json" id="report-data">${embedJson(model)}</script>
<script>${script}</script>
</body>
</html>
`;
}

const statusClass = (s: string) => `status status-${s === "pass" || s === "fail" ? s : s.startsWith("reported") ? "reported" : "unknown"}`;

function verdictTable(rows: NonNullable<RunModel["judgements"]>): string {
  const body = rows.map((r) => `<tr><td>${h(r.scenario)}</td><td>${h(r.source)}</td><td>${h(r.name)}</td><td class="${statusClass(r.status)}">${h(r.status)}</td><td>${h(r.measured)}</td><td>${h(r.limit)}</td></tr>`);
  return `<table id="verdict-table"><caption>Every judgement of the run's verdict, as the gate gave it (verdict.json)</caption>
<thead><tr><th scope="col">scenario</th><th scope="col">source</th><th scope="col">checker / objective</th><th scope="col">status</th><th scope="col">measured</th><th scope="col">limit</th></tr></thead>
<tbody>${body.join("\n")}</tbody></table>`;
}

function scenarioSection(s: ScenarioModel, i: number): string {
  const params = Object.entries(s.load).filter(([, v]) => v !== null && typeof v !== "object");
  return `<section class="scenario" aria-labelledby="scenario-${i}-h">
<h2 id="scenario-${i}-h">Scenario ${h(s.name)} <small>(${h(s.scenario)}, ${h(s.status)}${s.target ? `, target ${h(s.target)}` : ""})</small></h2>
<h3>Parameters</h3>
<dl class="meta params" aria-label="Scenario parameters"><dt>seed</dt><dd>${h(s.seed ?? "not recorded")}</dd>
${params.filter(([k]) => k !== "seed").map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join("")}</dl>
${s.serverUsage ? `<p id="server-usage-${i}">Server under test's own CPU and memory (its processes, or its container): ${h(s.serverUsage)}</p>` : ""}
<p class="legend-note">Shaded red: fault windows (${s.faults.length}: ${h(s.faults.map((f) => f.label).join("; ") || "none")}). Hatched grey: load generator saturated (${s.saturated.length} span(s)). Dashed line: heal (or kill); solid green line: measured recovery, with the time to recover.</p>
${s.charts.map((c) => `<figure id="chart-${i}-${c.id}" class="chart-figure" aria-labelledby="chart-${i}-${c.id}-cap">
<figcaption id="chart-${i}-${c.id}-cap">${h(c.title)} <span class="legend-note">(${h(c.yLabel)} against time since the scenario start, [h:]m:ss)</span></figcaption>
<div class="chart"></div>
<details class="table-alt"><summary>Show this chart as a table</summary></details>
</figure>`).join("\n")}
${s.surge ? surgeSection(s.surge, i) : ""}
${findingsSection(s, i)}
</section>`;
}

function findingsSection(s: ScenarioModel, i: number): string {
  const f = s.findings;
  if (!f) return `<h3 id="findings-${i}">Checker findings</h3>
<p>This run predates the message checkers: no finding was recorded per message (every message's record is in <code>${h(s.name)}/messages.jsonl</code>).</p>`;
  const counts = Object.entries(f.counts).map(([k, n]) => `<tr><th scope="row">${h(k)}</th><td class="num">${n}</td></tr>`).join("");
  const seconds = (v: number | null) => (v === null ? "" : v.toFixed(1));
  const rows = f.shown.map((r) => `<tr><td><code>${h(r.id)}</code></td><td>${h(r.kind)}</td><td class="num">${seconds(r.sentS)}</td><td class="num">${seconds(r.alteredS)}</td><td>${h(r.via ?? "")}</td><td>${h(r.blamedOn)}</td></tr>`).join("\n");
  const rest = f.total > f.shown.length ? `<p>The first ${FINDINGS_SHOWN} of ${f.total} findings are shown; all of them are in <code>${h(f.source)}</code>.</p>` : "";
  return `<h3 id="findings-${i}">Checker findings</h3>
<table class="finding-counts"><caption>Messages flagged, by checker</caption><tbody>${counts}</tbody></table>
${f.shown.length ? `<table class="findings" id="findings-table-${i}"><caption>Flagged messages and the fault each checker blamed it on</caption>
<thead><tr><th scope="col">message id</th><th scope="col">checker</th><th scope="col">sent (s since start)</th><th scope="col">altered copy arrived (s since start)</th><th scope="col">sent via</th><th scope="col">blamed on</th></tr></thead>
<tbody>${rows}</tbody></table>${rest}` : "<p>No checker flagged a message.</p>"}`;
}

function restartSection(model: RunModel): string {
  const rows = model.restart.map((p) => `<tr><td>${h(p.scenario)}</td><td class="num">${p.backlog}</td><td class="num">${p.startupMs ?? "n/a"}</td><td class="num">${p.ttrMs ?? "n/a"}</td><td class="num">${p.queuedLoaded ?? "n/a"}</td></tr>`).join("");
  return `<section aria-labelledby="restart-h">
<h2 id="restart-h">Relay restarts: start time and time to recover against stored backlog</h2>
<figure id="chart-restart" class="chart-figure"><figcaption>Relay start time and time to recover (ms) against the stored backlog (messages), one point per scenario</figcaption>
<div class="chart"></div>
<details class="table-alt"><summary>Show this chart as a table</summary></details></figure>
<table><thead><tr><th scope="col">scenario</th><th scope="col">stored backlog (messages)</th><th scope="col">relay start (ms)</th><th scope="col">time to recover (ms)</th><th scope="col">queued messages loaded</th></tr></thead><tbody>${rows}</tbody></table>
</section>`;
}

export type { Status };
