// Stored files in tests: read whole (a test's store is small) to look at names and bytes, and
// made from bytes in memory, handed out in pieces cut where the test says.
import type { StoredFile } from "../../harness/environments/environment.ts";

export interface ReadStoredFile { name: string; size: number; bytes: Buffer }

/** Every file of `files`, its pieces joined. */
export async function readStoredFiles(files: AsyncIterable<StoredFile> | Iterable<StoredFile>): Promise<ReadStoredFile[]> {
  const out: ReadStoredFile[] = [];
  for await (const file of files) {
    const pieces: Uint8Array[] = [];
    for await (const piece of file.chunks()) pieces.push(piece);
    out.push({ name: file.name, size: file.size, bytes: Buffer.concat(pieces) });
  }
  return out;
}

/** `bytes` as a stored file handed out in pieces cut at `cuts` (byte offsets, ascending); one piece without. */
export function piecedFile(name: string, bytes: Uint8Array, cuts: number[] = []): StoredFile {
  const ends = [...cuts, bytes.length];
  return {
    name,
    size: bytes.length,
    chunks: async function* () {
      let at = 0;
      for (const end of ends) {
        yield bytes.subarray(at, end);
        at = end;
      }
    },
  };
}
