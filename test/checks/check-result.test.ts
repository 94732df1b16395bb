import { describe, expect, it } from "vitest";
import { combine, runCheck, type CheckResult, type CheckStatus } from "../../harness/checks/check-result.ts";

const result = (status: CheckStatus): CheckResult => ({ name: status, status, details: {} });

describe("checker contract", () => {
  it("combines as fail over unknown over pass", () => {
    expect(combine([result("pass"), result("pass")])).toBe("pass");
    expect(combine([result("pass"), result("unknown"), result("pass")])).toBe("unknown");
    expect(combine([result("unknown"), result("fail"), result("pass")])).toBe("fail");
    expect(combine([result("fail"), result("unknown")])).toBe("fail");
    expect(combine([])).toBe("unknown");
  });

  it("turns a checker that throws (or rejects) into unknown with the error, never pass", async () => {
    const thrown = await runCheck("privacy", () => {
      throw new Error("capture unreadable");
    });
    expect(thrown).toEqual({ name: "privacy", status: "unknown", details: { error: { name: "Error", message: "capture unreadable" } } });
    const rejected = await runCheck("privacy", async () => Promise.reject("boom"));
    expect(rejected.status).toBe("unknown");
    expect(rejected.details.error).toEqual({ message: "boom" });
  });

  it("returns a checker's own result untouched", async () => {
    expect(await runCheck("x", async () => ({ name: "x", status: "fail", details: { n: 1 } }))).toEqual({ name: "x", status: "fail", details: { n: 1 } });
  });
});
