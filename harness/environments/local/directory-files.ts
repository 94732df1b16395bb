// What a server under test keeps on disk, as StoredFile[] for the privacy check: every regular file
// under a directory (symbolic links, sockets and pipes are not followed), in name order, named by a
// prefix and the path under the directory; and single files (a log) under a name of their own.
// A file removed between listing and reading (a rotated log, a store compacted meanwhile) is left
// out; any other error (a file that cannot be read) is thrown, naming the file: a store the check
// could not read is not a clean store.
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { StoredFile } from "../environment.ts";

/** Every regular file under `dir`, named `prefix` + its path under `dir` ("prosody data: " + "store/localhost/offline/bob.list"); none when `dir` does not exist. */
export async function directoryFiles(dir: string, prefix: string): Promise<StoredFile[]> {
  const files: StoredFile[] = [];
  const walk = async (at: string): Promise<void> => {
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
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const file = await storedFile(path, `${prefix}${relative(dir, path).split(sep).join("/")}`);
        if (file) files.push(file);
      }
    }
  };
  await walk(dir);
  return files;
}

/** One file under `name`, or null when it does not exist. */
export async function storedFile(path: string, name: string): Promise<StoredFile | null> {
  try {
    return { name, bytes: await readFile(path) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
}
