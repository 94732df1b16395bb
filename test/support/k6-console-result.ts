// The result a test's k6 script printed: one console.log of JSON `{ <key>: value }`, found in the
// file given to k6's --console-output (each line there is k6's JSON log record, the print in `msg`).
import { readFileSync } from "node:fs";
import { expect } from "vitest";

export function k6ConsoleResult<T>(consoleFile: string, key: string): T {
  const output = readFileSync(consoleFile, "utf8");
  const line = output.split("\n").find((l) => l.includes(key));
  expect(line, `k6 printed no result line; console output:\n${output}`).toBeDefined();
  return (JSON.parse((JSON.parse(line!) as { msg: string }).msg) as Record<string, T>)[key];
}
