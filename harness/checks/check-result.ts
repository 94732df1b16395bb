// What every checker returns, how results combine, and how a thrown error becomes "unknown".
export type CheckStatus = "pass" | "fail" | "unknown";

export interface CheckResult {
  name: string;
  status: CheckStatus;
  details: Record<string, unknown>;
}

const RANK: Record<CheckStatus, number> = { pass: 0, unknown: 1, fail: 2 };

/** fail over unknown over pass; no results at all is unknown (nothing was checked). */
export function combine(results: CheckResult[]): CheckStatus {
  if (results.length === 0) return "unknown";
  return results.reduce<CheckStatus>((worst, r) => (RANK[r.status] > RANK[worst] ? r.status : worst), "pass");
}

/** Runs a checker; a throw (or a rejected promise) yields unknown with the error, never pass. */
export async function runCheck(name: string, fn: () => CheckResult | Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await fn();
  } catch (error) {
    const err = error instanceof Error ? { message: error.message, name: error.name } : { message: String(error) };
    return { name, status: "unknown", details: { error: err } };
  }
}
