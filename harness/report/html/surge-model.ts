// What a surge scenario's page shows beyond the time-series charts (summary figures `surge`,
// harness/analysis/surge/): first-message latency against the ramp's sign-up rate, one point per
// second of the ramp that had sign-ups, with the knee marked and the generator's saturated seconds
// (and those in which k6 dropped sign-ups for want of a VU) shaded; and the surge's figures as rows of a table. Null for any other scenario.
import type { SummaryScenario } from "./report-input.ts";
import type { Band, Marker } from "./run-model.ts";

export interface SurgeModel {
  /** the ramp's planned rate of each point (sign-ups / s), ascending */
  x: number[];
  columns: { name: string; values: (number | null)[] }[];
  /** the generator's saturated seconds and those k6 dropped sign-ups in, on the sign-up-rate axis */
  saturated: Band[];
  /** the knee, on the sign-up-rate axis; empty when p95 stayed within the bound */
  markers: Marker[];
  /** the knee in a sentence, found or not */
  kneeText: string;
  figures: { label: string; value: string }[];
}

type Percentiles = { count?: number; p50?: number | null; p95?: number | null; p99?: number | null };

export function surgeModel(s: SummaryScenario): SurgeModel | null {
  const surge = s.figures?.surge;
  if (!surge) return null;
  const seconds = (surge.perSecond ?? []).filter((p) => (p.signUps ?? 0) > 0).sort((a, b) => (a.plannedPerS ?? 0) - (b.plannedPerS ?? 0));
  const x = seconds.map((p) => p.plannedPerS ?? 0);
  const knee = surge.knee;
  const bound = knee?.boundMs ?? null;
  const step = x.length > 1 ? (x[x.length - 1] - x[0]) / (x.length - 1) : 1;
  return {
    x,
    columns: [
      { name: "first message p95 (ms)", values: seconds.map((p) => p.firstMessageMs?.p95 ?? null) },
      { name: "first message p50 (ms)", values: seconds.map((p) => p.firstMessageMs?.p50 ?? null) },
      { name: "sign-ups started (per s)", values: seconds.map((p) => p.signUps ?? 0) },
      { name: "sign-ups k6 dropped, no free VU (per s)", values: seconds.map((p) => p.droppedIterations ?? 0) },
      { name: `knee bound: p95 ${bound ?? "?"} ms`, values: seconds.map(() => bound) },
    ],
    saturated: seconds.filter((p) => p.generatorSaturated || (p.droppedIterations ?? 0) > 0).map((p) => ({
      fromS: (p.plannedPerS ?? 0) - step / 2, toS: (p.plannedPerS ?? 0) + step / 2,
      label: [p.generatorSaturated ? `k6 saturated (second ${p.second})` : "", p.droppedIterations ? `k6 dropped ${p.droppedIterations} sign-ups (second ${p.second})` : ""].filter(Boolean).join("; "),
    })),
    markers: knee?.found && typeof knee.signUpsPerS === "number"
      ? [{ atS: knee.signUpsPerS, kind: "knee", label: `knee: ${knee.signUpsPerS} sign-ups/s (p95 ${knee.p95Ms} ms > ${bound} ms)` }]
      : [],
    kneeText: knee?.found
      ? `The knee: at ${knee.signUpsPerS} sign-ups/s (second ${knee.second} of the ramp) first-message p95 was ${knee.p95Ms} ms, over the bound of ${bound} ms. ${knee.generatorSaturated || (knee.droppedIterations ?? 0) > 0 ? (knee.generatorNote ?? "The generator was saturated at or before the knee: it may be the generator's.") : "The load generator was not saturated and dropped no sign-up up to the knee: the knee is the server's."}`
      : `No knee: first-message p95 stayed within ${bound ?? "?"} ms over the whole ramp.`,
    figures: surgeRows(surge),
  };
}

function surgeRows(surge: NonNullable<NonNullable<SummaryScenario["figures"]>["surge"]>): { label: string; value: string }[] {
  const ms = (p: Percentiles | undefined) => (p && p.count ? `p50 ${p.p50} ms, p95 ${p.p95} ms, p99 ${p.p99} ms (${p.count})` : "none measured");
  const reasons = Object.entries(surge.refusedBy ?? {}).map(([reason, n]) => `${reason}: ${n}`).join(", ");
  const log = surge.relayPrekeyLog;
  const knee = surge.knee;
  return [
    { label: "sign-ups", value: `${surge.signUps ?? 0}` },
    { label: "sign-ups k6 dropped (no free VU at the arrival's tick)", value: dropped(surge) },
    { label: "accepted (registered)", value: `${surge.accepted ?? 0}` },
    { label: "refused by the server / unfinished", value: `${surge.refused ?? 0} / ${surge.unfinished ?? 0}` },
    { label: "the server's reasons (every refusal, retried ones too)", value: reasons || "none" },
    { label: "connect to first message delivered", value: ms(surge.firstMessageMs) },
    { label: "accepted sign-ups whose first message never arrived", value: `${surge.firstMessageUndelivered ?? 0}` },
    { label: "acknowledged after the recipient newcomer had left for good / unacknowledged, the sender newcomer having left (not lost, not never-acknowledged)", value: `${surge.recipientLeft ?? 0} / ${surge.senderLeft ?? 0}` },
    { label: "prekey bundle requests (retried as busy)", value: `${surge.prekeyFetches ?? 0} (${surge.prekeyFetchRetries ?? 0})` },
    { label: "prekey bundle latency", value: ms(surge.prekeyFetchMs) },
    { label: "one-time prekeys exhausted (fell back to the signed prekey)", value: `${surge.oneTimePrekeysExhausted ?? 0}` },
    { label: "one-time prekeys handed out twice (clients' records)", value: `${surge.oneTimePrekeysHandedOutTwice ?? 0}` },
    ...(surge.clientPicked ? [{ label: "one-time prekeys picked twice from published bundles (PEP) / reused within the owner's grace / refused after it", value: `${surge.clientPicked.pickedTwice} / ${surge.clientPicked.reusedWithinGrace} / ${surge.clientPicked.refusedAfterGrace} (${surge.clientPicked.graceMs === null ? "none consumed" : `grace ${surge.clientPicked.graceMs} ms`})` }] : []),
    { label: "one-time prekeys handed out twice (the relay's own log)", value: log === undefined ? "not recorded" : log.available ? `${"handedOutTwice" in log ? log.handedOutTwice : 0} of ${"handedOut" in log ? log.handedOut : 0} handed out` : `not available: ${"why" in log ? log.why : "not recorded"}` },
    { label: "existing users' chat latency before the ramp", value: ms(surge.existingUsers?.before) },
    { label: "existing users' chat latency during the ramp", value: ms(surge.existingUsers?.during) },
    { label: "generator saturated at the knee", value: knee?.found ? (knee.generatorSaturated || (knee.droppedIterations ?? 0) > 0 ? `yes: ${knee.generatorNote ?? ""}` : "no") : "no knee" },
  ];
}

function dropped(surge: NonNullable<NonNullable<SummaryScenario["figures"]>["surge"]>): string {
  const seconds = (surge.perSecond ?? []).filter((p) => (p.droppedIterations ?? 0) > 0).map((p) => `${p.second}: ${p.droppedIterations}`);
  return `${surge.droppedIterations ?? 0}${seconds.length ? ` (per second of the ramp ${seconds.slice(0, 12).join(", ")}${seconds.length > 12 ? ", ..." : ""})` : ""}`;
}
