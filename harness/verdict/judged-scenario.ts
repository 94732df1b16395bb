// What the verdict reads of a scenario's result: picks of summary.json's types
// (harness/report/summary/), the fields the judgements and the SLO figures use. A baseline run
// written before targets and the server's own usage were recorded lacks those two.
import type { FaultWindowFigures, WindowFigures } from "../report/summary/fault-window-schema.ts";
import type { ScenarioResult } from "../report/summary/scenario-result-schema.ts";

type Figures = ScenarioResult["figures"];
type Recovery = FaultWindowFigures["recovery"];
type Outcome = Recovery["recovery"];

export type JudgedPercentiles = WindowFigures["latencyMs"];

export type JudgedWindowFigures = Pick<WindowFigures, "sent" | "delivered" | "latencyMs">;

export type JudgedFaultWindow = Pick<FaultWindowFigures, "entry" | "kind" | "target" | "failover"> & {
  before: JudgedWindowFigures;
  during: JudgedWindowFigures | null;
  after: JudgedWindowFigures | null;
  recovery: Pick<Recovery, "usersBack99Ms" | "messages"> & {
    recovery: Pick<Extract<Outcome, { recovered: true }>, "recovered" | "ttrMs"> | Pick<Extract<Outcome, { recovered: false }>, "recovered" | "reason">;
    backlog: Pick<Recovery["backlog"], "undelivered" | "drainMs">;
  };
};

type JudgedKindFigures = Pick<Figures["byTag"][string], "sent" | "delivered" | "lostAfterAck" | "latencyMs">;
type Generator = ScenarioResult["generator"];

export type JudgedScenario = Pick<ScenarioResult, "name" | "scenario" | "status" | "error" | "k6ExitCode" | "checks"> & Partial<Pick<ScenarioResult, "target" | "server">> & {
  figures: {
    messages: Omit<Figures["messages"], "redeliveredOnWire">;
    deliveryLatencyMs: JudgedPercentiles;
    windows: JudgedFaultWindow[];
    phases: (Pick<Figures["phases"][number], "name"> & { byTag: Record<string, JudgedKindFigures> })[];
  };
  generator: Pick<Generator, "measured" | "note" | "inMeasuredWindow"> & { spans: Pick<Generator["spans"][number], "inMeasuredWindow" | "reason" | "fromS" | "toS">[] };
};
