// The server's stored files, read one at a time as a stream of pieces: each file is scanned on its
// own, its pieces pushed into one scanner (a pattern cut between two pieces is still found, at its
// offset in the file), so memory holds one piece, not a file. Returns each file's name and the
// bytes scanned, and why reading stopped when a file could not be read (naming it).
import type { StoredFile } from "../environments/environment.ts";
import { StreamScanner, type PatternIndex } from "./pattern-scanner.ts";
import { findingOf, type Finding } from "./privacy-finding.ts";

export interface StoredFilesScan {
  files: { name: string; bytes: number }[];
  /** why the files could not all be read; those before it were scanned */
  error?: string;
}

export async function scanStoredFiles(files: AsyncIterable<StoredFile> | Iterable<StoredFile>, index: PatternIndex, report: (f: Finding) => void): Promise<StoredFilesScan> {
  const scanned: StoredFilesScan["files"] = [];
  let reading: string | null = null;
  try {
    for await (const file of files) {
      reading = file.name;
      const scanner = new StreamScanner(index, (hit) => report(findingOf(hit, { source: file.name, layer: "stored file" })));
      let offset = 0;
      for await (const piece of file.chunks()) {
        scanner.push(piece, offset);
        offset += piece.length;
      }
      scanner.finish();
      scanned.push({ name: file.name, bytes: offset });
      reading = null;
    }
  } catch (error) {
    const message = (error as Error).message;
    return { files: scanned, error: reading !== null && !message.includes(reading) ? `${reading}: ${message}` : message };
  }
  return { files: scanned };
}
