// The k6-operator's collector stamps fault records on its own node's clock. It measures that clock
// against the relay as the runners do (the challenge's serverTime, fastest of several connections),
// and analyse moves its fault records onto runner 1's clock by the offsets' difference, stating
// the residual bound. Proved with a collector clock deliberately 5 s behind: the corrected fault
// times land within the stated bound of the true ones. The probe is measured against a WebSocket
// server in this process whose clock runs 2 s ahead.
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { probeCollectorClock } from "../../harness/export/k8s/collect/collector-clock.ts";
import type { ClockRecord } from "../../harness/load/segments/clock-correction.ts";
import { faultsOnMergedClock } from "../../harness/load/segments/fault-clock.ts";
import type { FaultRecord } from "../../harness/timeline/fault-timeline.ts";

const T = 1_700_000_000_000;
/** runner 1 (instance 0): the relay's clock is 3 ms ahead of it, +- 1 ms */
const RUNNER_1: ClockRecord = { ev: "clock", t: T, offsetMs: 3, boundMs: 1, samples: 5 };
/** on runner 1's clock */
const TRUE_FAULTS: FaultRecord[] = [
  { event: "inject", entry: 0, kind: "latency", target: "direct", requestedAt: T + 7000, appliedAt: T + 7004, lastAppliedAt: T + 7009, ok: true },
  { event: "heal", entry: 0, kind: "latency", target: "direct", requestedAt: T + 10_000, appliedAt: T + 10_002, lastAppliedAt: T + 10_002, ok: true },
];
const times = (faults: FaultRecord[]) => faults.flatMap((f) => [f.requestedAt, f.appliedAt, f.lastAppliedAt]);

describe("fault records on the merged clock", () => {
  it("moves a collector 5 s behind onto runner 1's clock, within the stated bound", () => {
    const behind = 5000;
    const stamped = TRUE_FAULTS.map((f) => ({ ...f, requestedAt: f.requestedAt - behind, appliedAt: f.appliedAt - behind, lastAppliedAt: f.lastAppliedAt - behind }));
    // what the collector measures: the relay's clock minus its own, 2 ms off the truth (within its bound)
    const measured = { offsetMs: RUNNER_1.offsetMs + behind + 2, boundMs: 4, samples: 5 };
    const { faults, clock } = faultsOnMergedClock(stamped, RUNNER_1, measured, "");
    expect(clock).toEqual({ stampedBy: "collector", measured, correctionMs: 5002, residualBoundMs: 5 });
    times(faults).forEach((t, i) => expect(Math.abs(t - times(TRUE_FAULTS)[i]!)).toBeLessThanOrEqual(clock.residualBoundMs!));
    expect(faults.map((f) => [f.event, f.kind, f.ok])).toEqual(TRUE_FAULTS.map((f) => [f.event, f.kind, f.ok]));
  });

  it("leaves a difference the measurements cannot tell from zero, with its bound", () => {
    const { faults, clock } = faultsOnMergedClock(TRUE_FAULTS, RUNNER_1, { offsetMs: 5, boundMs: 3, samples: 5 }, "");
    expect(faults).toEqual(TRUE_FAULTS);
    expect(clock).toMatchObject({ correctionMs: 0, residualBoundMs: 4 });
  });

  it("says the bound is unknown, and why, when the collector or runner 1 measured nothing", () => {
    const unmeasured = faultsOnMergedClock(TRUE_FAULTS, RUNNER_1, null, "collector-clock.json is not in the gathered folder");
    expect(unmeasured.faults).toEqual(TRUE_FAULTS);
    expect(unmeasured.clock).toEqual({ stampedBy: "collector", measured: null, correctionMs: 0, residualBoundMs: null, why: "the collector did not measure its clock (collector-clock.json is not in the gathered folder)" });
    expect(faultsOnMergedClock(TRUE_FAULTS, null, { offsetMs: 9, boundMs: 1, samples: 5 }, "").clock).toMatchObject({ residualBoundMs: null, why: "runner 1 did not measure its clock" });
  });
});

describe("the collector's clock probe", () => {
  const AHEAD = 2000;
  let server: WebSocketServer;
  let url: string;
  let connections = 0;

  beforeAll(async () => {
    server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise((r) => server.once("listening", r));
    server.on("connection", (socket) => {
      connections++;
      socket.send(JSON.stringify({ type: "challenge", v: 1, nonce: "n", serverTime: Date.now() + AHEAD }));
    });
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it("estimates the relay's clock minus its own from the challenge's serverTime, fastest of 5 connections", async () => {
    connections = 0;
    const clock = await probeCollectorClock(url, 5000);
    expect(connections).toBe(5);
    expect(clock.measured!.samples).toBe(5);
    expect(Math.abs(clock.measured!.offsetMs - AHEAD)).toBeLessThanOrEqual(clock.measured!.boundMs + 1);
    expect(clock.measured!.boundMs).toBeLessThan(100);
  });

  it("gives up after its timeout with the reason when nothing answers with a serverTime", async () => {
    const silent = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise((r) => silent.once("listening", r));
    silent.on("connection", (socket) => socket.send(JSON.stringify({ type: "challenge", nonce: "n" })));
    const silentUrl = `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/ws`;
    const clock = await probeCollectorClock(silentUrl, 300);
    await new Promise((r) => silent.close(r));
    expect(clock).toEqual({ url: silentUrl, measured: null, why: `no challenge with serverTime from ${silentUrl} within 300 ms` });
  });
});
