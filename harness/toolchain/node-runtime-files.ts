// The files a Node program needs in an empty (FROM scratch) image: the node binary (and any other
// host executable it runs) and the shared libraries `ldd` lists for each, at the paths the dynamic loader looks at.
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { EnvironmentError } from "../errors.ts";

const run = promisify(execFile);

/** Absolute paths of the shared libraries (and the loader) a dynamic executable needs. */
export async function sharedLibrariesOf(binary: string): Promise<string[]> {
  let stdout: string;
  try {
    ({ stdout } = await run("ldd", [binary], { timeout: 10_000 }));
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: string };
    if (/not a dynamic executable/.test(`${e.stdout ?? ""}${e.stderr ?? ""}`)) return [];
    throw new EnvironmentError(`cannot list the libraries of ${binary} with ldd: ${e.stderr ?? e.code ?? String(error)}`, "apt-get install -y libc-bin");
  }
  const paths = new Set<string>();
  for (const line of stdout.split("\n")) {
    const match = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (match?.[1]) paths.add(match[1]);
  }
  return [...paths];
}

/** Copies an executable (to `to`, by default its own path) and its libraries (dereferenced, same paths) under `rootfs`. */
export async function copyBinaryWithLibraries(rootfs: string, binary: string, to = binary): Promise<string[]> {
  const copied: string[] = [];
  const place = (from: string, at: string) => {
    const target = join(rootfs, at);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(from, target);
    copied.push(at);
  };
  place(binary, to);
  for (const lib of await sharedLibrariesOf(binary)) place(lib, lib);
  return copied;
}

/** Copies node (to /usr/bin/node) and its libraries (dereferenced, same paths) under `rootfs`. */
export function copyNodeRuntime(rootfs: string, nodeBinary = process.execPath): Promise<string[]> {
  return copyBinaryWithLibraries(rootfs, nodeBinary, "/usr/bin/node");
}
