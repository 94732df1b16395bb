// Reads a JSON-lines file one record at a time (runs can hold millions of lines): never the whole file in memory.
import { createReadStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";

/**
 * Calls `each` for every parsed line; a missing file is no records, an unparsable line is skipped.
 * `skipText`: lines it returns true for are not parsed at all (a cheap text test first, for files of millions of lines).
 */
export async function forEachJsonLine(file: string, each: (record: Record<string, unknown>) => void, skipText?: (line: string) => boolean): Promise<number> {
  if (!existsSync(file)) return 0;
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  let count = 0;
  for await (const line of lines) {
    if (line.length < 2 || skipText?.(line)) continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    if (record && typeof record === "object") {
      each(record as Record<string, unknown>);
      count++;
    }
  }
  return count;
}
