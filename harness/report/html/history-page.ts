// reports/index.html: every run, newest first, and trend lines of each objective's measured value.
import { pageHead } from "./page-head.ts";
import { embedJson, escapeHtml as h } from "./html-escape.ts";
import type { HistoryModel, HistoryRow } from "./history-model.ts";
import { pageAssets } from "./page-assets.ts";

export const TRENDS: { key: keyof HistoryRow; title: string; yLabel: string }[] = [
  { key: "p95Ms", title: "Delivery latency p95 (worst scenario)", yLabel: "latency p95 (ms)" },
  { key: "deliveredPercent", title: "Messages delivered", yLabel: "delivered (% of sent)" },
  { key: "lostAfterAck", title: "Messages lost after acknowledgement", yLabel: "messages" },
  { key: "worstTtrS", title: "Worst time to recover", yLabel: "time to recover (s)" },
  { key: "k6PeakCpuCores", title: "Load generator peak CPU", yLabel: "k6 CPU (cores)" },
];

export interface Trend { key: string; title: string; yLabel: string; objective?: boolean; name?: string }

/** The headline trends, then one per SLO objective any run judged (verdict.json). */
export function allTrends(model: HistoryModel): Trend[] {
  return [
    ...TRENDS.map((t) => ({ ...t, key: String(t.key) })),
    ...model.objectives.map((o, i) => ({ key: `objective-${i}`, objective: true, title: `Objective ${o.key}`, yLabel: `measured${o.unit ? ` (${o.unit})` : ""}`, name: o.key })),
  ];
}

export function historyPage(model: HistoryModel): string {
  const { script, style } = pageAssets("history-page");
  const cell = (v: number | null, digits = 0) => `<td class="num">${v === null ? "n/a" : v.toFixed(digits)}</td>`;
  const rows = model.rows.map((r) => `<tr data-run="${h(r.runId)}">
<td>${r.hasPage ? `<a href="${h(encodeURIComponent(r.runId))}/index.html">${h(r.runId)}</a>` : h(r.runId)}</td><td>${h(r.startedAt.replace("T", " ").replace(/\.\d+Z$/, "Z"))}</td><td>${h(r.suite)}</td>
<td class="status status-${r.verdict}">${h(r.verdict)}</td><td>${h(r.status)}</td>${cell(r.scenarios)}${cell(r.sent)}${cell(r.deliveredPercent, 2)}${cell(r.lostAfterAck)}${cell(r.p95Ms)}${cell(r.worstTtrS, 1)}${cell(r.notRecovered)}${cell(r.k6PeakCpuCores, 2)}</tr>`);
  return `${pageHead("Chaos runs: history", style)}
<h1>Chaos runs (${model.rows.length})</h1>
<p class="legend-note">Written ${h(model.generatedAt)} from every run folder here. Rebuild: <code>npm run chaos -- report</code>.</p>
<main>
<section aria-labelledby="runs-h">
<h2 id="runs-h">Runs, newest first</h2>
<table id="history-table"><thead><tr><th scope="col">run</th><th scope="col">started (UTC)</th><th scope="col">suite</th><th scope="col">verdict</th><th scope="col">status</th>
<th scope="col">scenarios</th><th scope="col">sent</th><th scope="col">delivered (%)</th><th scope="col">lost after ack</th><th scope="col">p95 (ms)</th><th scope="col">worst TTR (s)</th><th scope="col">not recovered</th><th scope="col">k6 peak CPU (cores)</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table>
</section>
<section aria-labelledby="trends-h">
<h2 id="trends-h">Trends across runs</h2>
<div class="trends">
${allTrends(model).map((t) => `<figure id="trend-${h(t.key)}" class="chart-figure"><figcaption>${h(t.title)} <span class="legend-note">(${h(t.yLabel)} per run, by run start time)</span></figcaption>
<div class="chart"></div><details class="table-alt"><summary>Show this chart as a table</summary></details></figure>`).join("\n")}
</div>
</section>
</main>
<script type="application/json" id="report-data">${embedJson({ rows: model.rows, trends: allTrends(model) })}</script>
<script>${script}</script>
</body>
</html>
`;
}
