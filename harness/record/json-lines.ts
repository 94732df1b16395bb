// Writes records as JSON lines (one object a line), the format of every record file of a run.
import { writeFileSync } from "node:fs";

export function writeJsonLines(file: string, records: readonly unknown[]): void {
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n") + (records.length ? "\n" : ""));
}
