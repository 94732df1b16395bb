// Every figure an SLO objective may name: what it is, its unit, which way is better, where it can be
// measured (a scenario phase, or a fault window) and how it is read from a scenario's result.
// `npm run chaos -- slo --list` prints this list; the SLO loader accepts only these names.
import type { JudgedFaultWindow, JudgedPercentiles, JudgedScenario, JudgedWindowFigures } from "./judged-scenario.ts";

export type FigureUnit = "ms" | "count" | "ratio" | "cores" | "MB";
/** the units an objective may write for a figure of each unit, and the factor to the figure's own unit */
export const UNIT_SPELLINGS: Record<FigureUnit, Record<string, number>> = {
  ms: { ms: 1, s: 1000 },
  count: { count: 1 },
  ratio: { ratio: 1, "%": 0.01 },
  cores: { cores: 1 },
  MB: { MB: 1, GB: 1024 },
};

/** phases every scenario has ("whole": the whole sending window; "steady": before the first fault) and those a scenario announces */
export const PHASES = ["whole", "steady", "storm"] as const;
export const FAULT_WINDOW_PARTS = ["during", "after"] as const;
export type FaultWindowPart = (typeof FAULT_WINDOW_PARTS)[number];

/** a measured value, or why there is none (the objective is then unknown) */
export type Measure = { value: number } | { notMeasured: string };

export interface PhaseScope { kind: "phase"; scenario: JudgedScenario; phase: string }
export interface FaultScope { kind: "fault"; scenario: JudgedScenario; window: JudgedFaultWindow; part: FaultWindowPart }

export interface Figure {
  name: string;
  unit: FigureUnit;
  better: "lower" | "higher";
  /** "phase": measured over a phase of the scenario; "fault": over a fault's window */
  scopes: ("phase" | "fault")[];
  description: string;
  phase?: (s: PhaseScope) => Measure;
  fault?: (s: FaultScope) => Measure;
}

const value = (v: number | null | undefined, why: string): Measure => (v === null || v === undefined || Number.isNaN(v) ? { notMeasured: why } : { value: v });

/** sent, delivered and latency of a phase: the whole run, the steady window, or a phase the scenario announced */
function phaseWindow(s: PhaseScope): JudgedWindowFigures | { notMeasured: string } {
  const f = s.scenario.figures;
  if (s.phase === "whole") return { sent: f.messages.sent, delivered: f.messages.delivered, latencyMs: f.deliveryLatencyMs };
  if (s.phase === "steady") return f.windows[0]?.before ?? { sent: f.messages.sent, delivered: f.messages.delivered, latencyMs: f.deliveryLatencyMs };
  const announced = f.phases.find((p) => p.name === s.phase);
  if (!announced) return { notMeasured: `scenario ${s.scenario.name} announced no phase '${s.phase}'` };
  // the worst kind of message in the phase: an objective holds for every kind
  const kinds = Object.values(announced.byTag);
  const worst = (pick: (p: JudgedPercentiles) => number | null) => Math.max(...kinds.map((k) => pick(k.latencyMs) ?? -1));
  const latency = (pick: (p: JudgedPercentiles) => number | null) => (kinds.some((k) => pick(k.latencyMs) !== null) ? worst(pick) : null);
  return {
    sent: kinds.reduce((n, k) => n + k.sent, 0), delivered: kinds.reduce((n, k) => n + k.delivered, 0),
    latencyMs: { count: kinds.reduce((n, k) => n + k.latencyMs.count, 0), p50: latency((p) => p.p50), p95: latency((p) => p.p95), p99: latency((p) => p.p99), max: latency((p) => p.max) },
  };
}

function faultWindowFigures(s: FaultScope): JudgedWindowFigures | { notMeasured: string } {
  const w = s.part === "during" ? s.window.during : s.window.after;
  return w ?? { notMeasured: `fault ${s.window.kind} (entry ${s.window.entry}) has no '${s.part}' window (never healed?)` };
}

function latencyFigure(p: "p50" | "p95" | "p99" | "max"): Figure {
  const read = (w: JudgedWindowFigures | { notMeasured: string }): Measure => ("notMeasured" in w ? w : value(w.latencyMs[p], "no message was delivered"));
  return {
    name: `latency.${p}`, unit: "ms", better: "lower", scopes: ["phase", "fault"],
    description: `delivery latency ${p} (send to first delivery) of the messages sent in the phase or fault window`,
    phase: (s) => read(phaseWindow(s)), fault: (s) => read(faultWindowFigures(s)),
  };
}

const deliveredRate = (w: JudgedWindowFigures | { notMeasured: string }): Measure =>
  "notMeasured" in w ? w : w.sent === 0 ? { notMeasured: "no message was sent" } : { value: w.delivered / w.sent };

const wholeRunOnly = (s: PhaseScope): string | null => (s.phase === "whole" ? null : `measured over the whole run only, not in phase '${s.phase}'`);
function wholeRun(read: (s: PhaseScope) => Measure): (s: PhaseScope) => Measure {
  return (s) => {
    const why = wholeRunOnly(s);
    return why ? { notMeasured: why } : read(s);
  };
}

export const FIGURES: readonly Figure[] = [
  latencyFigure("p50"), latencyFigure("p95"), latencyFigure("p99"), latencyFigure("max"),
  {
    name: "messages.deliveredRate", unit: "ratio", better: "higher", scopes: ["phase", "fault"],
    description: "share of the messages sent in the phase or fault window that were delivered",
    phase: (s) => deliveredRate(phaseWindow(s)), fault: (s) => deliveredRate(faultWindowFigures(s)),
  },
  {
    name: "messages.lostAfterAck", unit: "count", better: "lower", scopes: ["phase", "fault"],
    description: "messages the relay acknowledged and never delivered (fault scope: sent from the fault until the next one)",
    phase: wholeRun((s) => ({ value: s.scenario.figures.messages.lostAfterAck })), fault: (s) => ({ value: s.window.recovery.messages.lostAfterAck }),
  },
  {
    name: "messages.duplicates", unit: "count", better: "lower", scopes: ["phase", "fault"],
    description: "deliveries beyond the first of a message",
    phase: wholeRun((s) => ({ value: s.scenario.figures.messages.duplicates })), fault: (s) => ({ value: s.window.recovery.messages.duplicates }),
  },
  {
    name: "messages.redeliveryRate", unit: "ratio", better: "lower", scopes: ["phase"],
    description: "deliveries beyond the first, per delivered message",
    phase: wholeRun((s) => {
      const m = s.scenario.figures.messages;
      return m.delivered === 0 ? { notMeasured: "no message was delivered" } : { value: m.duplicates / m.delivered };
    }),
  },
  {
    name: "messages.neverAcked", unit: "count", better: "lower", scopes: ["phase", "fault"],
    description: "messages the relay never acknowledged",
    phase: wholeRun((s) => ({ value: s.scenario.figures.messages.neverAcked })), fault: (s) => ({ value: s.window.recovery.messages.neverAcked }),
  },
  {
    name: "messages.decryptFailures", unit: "count", better: "lower", scopes: ["phase"],
    description: "deliveries the recipient could not decrypt",
    phase: wholeRun((s) => ({ value: s.scenario.figures.messages.decryptFailures })),
  },
  {
    name: "recovery.ttr", unit: "ms", better: "lower", scopes: ["fault"],
    description: "time to recover: from the heal (the kill, for a crash) until delivery holds the recovery band",
    fault: (s) => {
      const r = s.window.recovery.recovery;
      return r.recovered ? { value: r.ttrMs } : { notMeasured: `not recovered: ${r.reason}` };
    },
  },
  {
    name: "recovery.usersBack99", unit: "ms", better: "lower", scopes: ["fault"],
    description: "time until 99% of users are connected again",
    fault: (s) => value(s.window.recovery.usersBack99Ms, "99% of users never connected again"),
  },
  {
    name: "recovery.backlogDrain", unit: "ms", better: "lower", scopes: ["fault"],
    description: "from the heal until the last message sent during the fault was delivered",
    fault: (s) => value(s.window.recovery.backlog.drainMs, `${s.window.recovery.backlog.undelivered} message(s) sent during the fault were never delivered`),
  },
  ...(["p50", "p95", "max"] as const).map((p): Figure => ({
    name: `failover.${p}`, unit: "ms", better: "lower", scopes: ["fault"],
    description: `path block only: ${p} of the time users on a blocked path took to log in through an open one`,
    fault: (s) => (s.window.failover ? value(s.window.failover.failoverMs[p], "no affected user failed over") : { notMeasured: `fault ${s.window.kind} blocks no path` }),
  })),
  {
    name: "failover.stranded", unit: "count", better: "lower", scopes: ["fault"],
    description: "path block only: affected users still without an open path when the block ended",
    fault: (s) => (s.window.failover ? { value: s.window.failover.stranded } : { notMeasured: `fault ${s.window.kind} blocks no path` }),
  },
  {
    name: "privacy.canariesFound", unit: "count", better: "lower", scopes: ["phase"],
    description: "plaintext canaries found in proxy traffic, the server's stored files and logs, or the relay's metrics",
    phase: wholeRun((s) => findings(s.scenario, (f) => f.found === "canary")),
  },
  {
    name: "privacy.findings", unit: "count", better: "lower", scopes: ["phase"],
    description: "canaries and private keys found where a party in the middle could see them, or in what the server stores",
    phase: wholeRun((s) => findings(s.scenario, () => true)),
  },
  {
    name: "generator.saturatedSpans", unit: "count", better: "lower", scopes: ["phase"],
    description: "spans in which the load generator (k6) could not keep up, inside the measured window (0: none)",
    phase: wholeRun((s) => (s.scenario.generator.measured ? { value: s.scenario.generator.spans.filter((x) => x.inMeasuredWindow).length } : { notMeasured: s.scenario.generator.note ?? "not measured" })),
  },
  serverUsageFigure("server.cpuCoresPeak", "cores", "highest CPU of the server under test over one second, in cores (its processes from /proc, or its container's stats; any target)", (u) => u.cpuCoresPeak),
  serverUsageFigure("server.cpuCoresMean", "cores", "mean CPU of the server under test over the run, in cores", (u) => u.cpuCoresMean),
  serverUsageFigure("server.rssMbPeak", "MB", "highest resident memory of the server under test (all its processes, or its container)", (u) => u.rssMbPeak),
];

/** A figure of the server's own usage: "not available" when it was not measured, never 0. */
function serverUsageFigure(name: string, unit: FigureUnit, description: string, pick: (u: NonNullable<JudgedScenario["server"]>["usage"]) => number | null): Figure {
  return {
    name, unit, better: "lower", scopes: ["phase"], description,
    phase: wholeRun((s) => {
      const usage = s.scenario.server?.usage;
      if (!usage) return { notMeasured: "not available: the run did not measure the server's own usage" };
      return value(pick(usage), `not available: ${usage.note ?? "the server's usage was not measured"}`);
    }),
  };
}

function findings(s: JudgedScenario, which: (f: { found?: unknown }) => boolean): Measure {
  const privacy = s.checks.find((c) => c.name === "privacy");
  if (!privacy) return { notMeasured: "no privacy check ran" };
  if (privacy.status === "unknown") {
    const why = privacy.details.reason ?? privacy.details.notApplicable ?? (privacy.details.error as { message?: string } | undefined)?.message;
    return { notMeasured: `privacy check unknown: ${typeof why === "string" ? why : "no reason given"}` };
  }
  const list = privacy.details.findings;
  return Array.isArray(list) ? { value: (list as { found?: unknown }[]).filter(which).length } : { notMeasured: "privacy check listed no findings" };
}

export function figureNamed(name: string): Figure | undefined {
  return FIGURES.find((f) => f.name === name);
}

/** The list `slo --list` prints. */
export function figureList(): string {
  const rows = FIGURES.map((f) => `  ${f.name.padEnd(26)} ${f.unit.padEnd(5)} ${`${f.better} is better`.padEnd(16)} ${f.scopes.join("+").padEnd(11)} ${f.description}`);
  const units = Object.entries(UNIT_SPELLINGS).map(([u, spell]) => `${u}: ${Object.keys(spell).join(", ")}`).join("; ");
  return [
    `figures an SLO objective may name (figure, unit, direction, scope, meaning):`, ...rows, "",
    `phases ("phase": ...): ${PHASES.join(", ")} (whole: the sending window; steady: before the first fault; storm: flood only)`,
    `fault windows ("fault": a fault kind, "window": ${FAULT_WINDOW_PARTS.join(" | ")})`,
    `units ("unit": ...): ${units}`,
  ].join("\n");
}
