// What a server under test keeps on disk, as StoredFiles for the privacy check: every regular file
// under a directory (symbolic links, sockets and pipes are not followed), in name order, named by a
// prefix and the path under the directory; and single files (a log) under a name of their own.
// Each is opened when it is handed out and read through a stream in pieces, so no file is held in
// memory whole. A file removed between listing and opening (a rotated log, a store compacted
// meanwhile) is left out; any other error (a file that cannot be read) is thrown, naming the
// file: a store the check could not read is not a clean store.
import { open, readdir, type FileHandle } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { StoredFile } from "../environment.ts";

/** Every regular file under `dir`, named `prefix` + its path under `dir` ("prosody data: " + "store/localhost/offline/bob.list"); none when `dir` does not exist. */
export async function* directoryFiles(dir: string, prefix: string): AsyncGenerator<StoredFile> {
  async function* walk(at: string): AsyncGenerator<StoredFile> {
    let entries;
    try {
      entries = await readdir(at, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw new Error(`cannot list ${at}: ${(error as Error).message}`);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) yield* walk(path);
      else if (entry.isFile()) yield* storedFile(path, `${prefix}${relative(dir, path).split(sep).join("/")}`);
    }
  }
  yield* walk(dir);
}

/** One file under `name`, or none when it does not exist. It stays open until the next one is taken. */
export async function* storedFile(path: string, name: string): AsyncGenerator<StoredFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw cannotRead(path, error);
  }
  try {
    const size = (await handle.stat().catch((error: unknown) => { throw cannotRead(path, error); })).size;
    yield { name, size, chunks: () => fileChunks(handle, path) };
  } finally {
    await handle.close();
  }
}

async function* fileChunks(handle: FileHandle, path: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of handle.createReadStream({ start: 0, autoClose: false })) yield chunk as Buffer;
  } catch (error) {
    throw cannotRead(path, error);
  }
}

const cannotRead = (path: string, error: unknown) => new Error(`cannot read ${path}: ${(error as Error).message}`);
