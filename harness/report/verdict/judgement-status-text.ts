// How a judgement's status is written in verdict.md and on the run's page: verdict.json's own
// status, except that a checker which passed while flagging messages (one that only reports, as
// redelivered-on-wire under at least once) is written "reported" with its count. Nothing is judged here.
export function judgementStatusText(j: { status?: unknown; details?: { count?: unknown } }): string {
  const count = j.details?.count;
  return j.status === "pass" && typeof count === "number" && count > 0 ? `reported (${count})` : String(j.status ?? "");
}
