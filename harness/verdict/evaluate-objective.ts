// One SLO objective against a run's scenarios: one judgement per scenario (per fault window for a
// fault objective). Nothing measured is unknown with the reason, never a pass.
import type { Judgement } from "./judgement.ts";
import type { JudgedScenario } from "./judged-scenario.ts";
import { UNIT_SPELLINGS, figureNamed, type Figure, type Measure } from "./figure-catalog.ts";
import { formatFigure } from "./format-figure.ts";
import type { Comparison, Objective } from "./slo-schema.ts";

const HOLDS: Record<Comparison, (a: number, b: number) => boolean> = {
  "<=": (a, b) => a <= b, "<": (a, b) => a < b, ">=": (a, b) => a >= b, ">": (a, b) => a > b, "==": (a, b) => a === b,
};

export function objectiveName(o: Objective): string {
  if (o.name) return o.name;
  const where = o.fault ? ` during ${o.fault}${o.window === "after" ? " (after heal)" : ""}` : o.phase && o.phase !== "whole" ? ` in phase ${o.phase}` : "";
  const limit = o.maxRegression !== undefined ? `no more than ${o.maxRegression} worse than baseline` : `${o.op} ${o.value}${o.unit && o.unit !== "count" ? ` ${o.unit}` : ""}`;
  return `${o.figure} ${limit}${where}`;
}

interface Target { scenario: JudgedScenario; label: string; measure: (s: JudgedScenario) => Measure }

function targets(o: Objective, figure: Figure, scenarios: JudgedScenario[]): Target[] | string {
  const chosen = o.scenario === undefined ? scenarios : scenarios.filter((s) => s.name === o.scenario || s.scenario === o.scenario);
  if (chosen.length === 0) return `no scenario '${o.scenario}' ran`;
  if (o.fault === undefined) {
    const phase = o.phase ?? "whole";
    return chosen.map((scenario) => ({ scenario, label: scenario.name, measure: (s) => figure.phase!({ kind: "phase", scenario: s, phase }) }));
  }
  const part = o.window ?? "during";
  const out: Target[] = [];
  for (const scenario of chosen) {
    for (const w of scenario.figures.windows.filter((x) => x.kind === o.fault)) {
      out.push({
        scenario, label: `${scenario.name}, ${w.kind} #${w.entry}`,
        measure: (s) => {
          const same = s.figures.windows.find((x) => x.kind === w.kind && x.entry === w.entry);
          return same ? figure.fault!({ kind: "fault", scenario: s, window: same, part }) : { notMeasured: `no ${w.kind} fault #${w.entry} in ${s.name}` };
        },
      });
    }
  }
  return out.length ? out : `no ${o.fault} fault happened in ${o.scenario ?? "any scenario"}`;
}

export function evaluateObjective(o: Objective, scenarios: JudgedScenario[], baseline: JudgedScenario[] | null): Judgement[] {
  const figure = figureNamed(o.figure)!;
  const name = objectiveName(o);
  const found = targets(o, figure, scenarios);
  const base = { source: "objective" as const, measured: null };
  if (typeof found === "string") return [{ ...base, name, scenario: o.scenario ?? "*", status: "unknown", limit: null, details: { objective: o, reason: found } }];
  return found.map((t) => {
    const label = found.length > 1 || o.scenario === undefined ? `${name} [${t.label}]` : name;
    try {
      return judge(t, label);
    } catch (error) {
      // a figure that cannot be read (an older or partial summary) is unknown, never a pass
      return { ...base, name: label, scenario: t.scenario.name, status: "unknown" as const, limit: null, details: { objective: o, reason: `could not read ${o.figure}: ${(error as Error).message}` } };
    }
  });

  function judge(t: Target, label: string): Judgement {
    const m = t.measure(t.scenario);
    let limit: number;
    let limitText: string;
    if (o.maxRegression !== undefined) {
      const earlier = baseline?.find((b) => b.name === t.scenario.name);
      const then = earlier ? t.measure(earlier) : null;
      const r = Number(o.maxRegression.slice(0, -1)) / 100;
      if (!baseline) return { ...base, name: label, scenario: t.scenario.name, status: "unknown", limit: `${o.maxRegression} worse than baseline`, details: { objective: o, reason: "relative objective and no --baseline given" } };
      if (!then || "notMeasured" in then) return { ...base, name: label, scenario: t.scenario.name, status: "unknown", limit: `${o.maxRegression} worse than baseline`, details: { objective: o, reason: `baseline: ${then && "notMeasured" in then ? then.notMeasured : "scenario not in the baseline run"}` } };
      limit = figure.better === "lower" ? then.value * (1 + r) : then.value * (1 - r);
      limitText = `${figure.better === "lower" ? "<=" : ">="} ${formatFigure(limit, figure.unit)} (baseline ${formatFigure(then.value, figure.unit)} ${figure.better === "lower" ? "+" : "-"} ${o.maxRegression})`;
      return finish(m, figure.better === "lower" ? "<=" : ">=", limit, limitText, { baseline: then.value });
    }
    limit = o.value! * UNIT_SPELLINGS[figure.unit][o.unit ?? "count"];
    limitText = `${o.op} ${formatFigure(limit, figure.unit)}`;
    return finish(m, o.op!, limit, limitText, {});

    function finish(measure: Measure, op: Comparison, lim: number, text: string, extra: Record<string, unknown>): Judgement {
      if ("notMeasured" in measure) return { ...base, name: label, scenario: t.scenario.name, status: "unknown", limit: text, details: { objective: o, reason: measure.notMeasured, ...extra } };
      const holds = HOLDS[op](measure.value, lim);
      return { source: "objective", name: label, scenario: t.scenario.name, status: holds ? "pass" : "fail", measured: formatFigure(measure.value, figure.unit), limit: text, details: { objective: o, value: measure.value, limitValue: lim, unit: figure.unit, ...extra } };
    }
  }
}
