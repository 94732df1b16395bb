// A container's stored files as the privacy check gets them: a directory's archive from the
// engine, read entry by entry as it streams in, and what the container printed.
import { Buffer } from "node:buffer";
import type { StoredFile } from "../environment.ts";
import { tarEntries } from "./tar-files.ts";

/**
 * The regular files of `dir`'s archive, named `prefix` + their path under `dir` ("relay data: " +
 * "journal.jsonl"; the engine archives the directory under its last name).
 */
export async function* archiveFiles(archive: NodeJS.ReadableStream, dir: string, prefix: string): AsyncGenerator<StoredFile> {
  const under = `${dir.replace(/^\/+/, "").split("/").pop()}/`;
  for await (const entry of tarEntries(archive)) {
    yield { name: `${prefix}${entry.path.startsWith(under) ? entry.path.slice(under.length) : entry.path}`, size: entry.size, chunks: entry.chunks };
  }
}

/** A text held in memory already (the container's output) as a stored file. */
export function textFile(name: string, text: string): StoredFile {
  const bytes = Buffer.from(text, "utf8");
  return { name, size: bytes.length, chunks: async function* () { yield bytes; } };
}
