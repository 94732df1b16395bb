// The harness's follower of k6's console output keeps reading when no file descriptor is free:
// it opened the file at every poll, and a 10,000-user run whose users failed over to the proxies'
// taps stopped with "EMFILE: too many open files" there.
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeRecord } from "../../scenarios/lib/record-codec.ts";

const line = (id: string) => `${JSON.stringify({ level: "info", msg: encodeRecord({ ev: "acked", id, t: Date.now(), ep: "direct-a" }) })}\n`;

describe("ClientEventTail", () => {
  it("reads records written after every file descriptor of its process was taken", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "tail-")), "k6-console.jsonl");
    writeFileSync(file, line("1.1"));
    const child = spawn("sh", ["-c", `ulimit -n 64 && exec node --import tsx test/support/tail-without-descriptors.ts ${file}`], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d));
    const seen = (text: string, ms: number) => new Promise<boolean>((resolve) => {
      const check = setInterval(() => out.includes(text) && (clearInterval(check), resolve(true)), 20);
      setTimeout(() => (clearInterval(check), resolve(out.includes(text))), ms);
    });
    child.stdout.on("data", (d: Buffer) => (out += d));
    try {
      expect(await seen("full (EMFILE)", 20_000), `the child never ran out of descriptors; stdout: ${out} stderr: ${err}`).toBe(true);
      appendFileSync(file, line("2.7"));
      expect(await seen("2.7", 5000), `a record written after that was not read; stdout: ${out} stderr: ${err.slice(0, 800)}`).toBe(true);
      expect(out.split("\n").filter(Boolean)).toEqual(["1.1", "full (EMFILE)", "2.7"]);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
