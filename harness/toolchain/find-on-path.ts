// Every executable of a given name on PATH, in PATH order.
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

export function findAllOnPath(name: string, pathValue = process.env.PATH ?? ""): string[] {
  const found: string[] = [];
  for (const dir of pathValue.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate) && !found.includes(candidate)) found.push(candidate);
  }
  return found;
}

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
