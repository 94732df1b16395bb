/* The history page: one trend chart per objective across runs (oldest to newest). */
"use strict";
(function () {
  var model = JSON.parse(document.getElementById("report-data").textContent);
  var rows = model.rows.slice().sort(function (a, b) { return a.startedS - b.startedS; });
  var x = rows.map(function (r) { return r.startedS; });
  var charts = [];
  var fmt = function (s) { return new Date(s * 1000).toISOString().replace("T", " ").slice(0, 19); };
  model.trends.forEach(function (t) {
    var figure = document.getElementById("trend-" + t.key);
    var target = figure.querySelector(".chart");
    var pick = function (name) { return rows.map(function (r) { var v = t.objective ? r.objectives && r.objectives[name] : r[t.key]; return v === undefined ? null : v; }); };
    var columns = [{ name: t.yLabel, values: pick(t.name) }];
    if (t.objective) columns.push({ name: "limit", values: pick(t.name + " (limit)") });
    var lo = x.length ? x[0] : 0, hi = x.length ? x[x.length - 1] : 1;
    var pad = Math.max(60, (hi - lo) * 0.05);
    var u = ChartKit.chart({ target: target, title: t.title, xLabel: "run start (UTC)", yLabel: t.yLabel, x: x, columns: columns, xEpoch: true, linePoints: true, xRange: [lo - pad, hi + pad] });
    charts.push({ u: u, target: target });
    ChartKit.tableAlternative(figure.querySelector("details"), t.title + " per run", "run start (UTC)", x, columns, fmt);
  });
  ChartKit.keepSized(charts);
  document.documentElement.dataset.chartsDrawn = String(charts.length);
})();
