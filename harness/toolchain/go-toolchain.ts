// Finds the Go toolchain the installers build with and the environment they build in.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { EnvironmentError } from "../errors.ts";

const run = promisify(execFile);
const MIN_GO = [1, 25] as const; // k6 v2 needs Go >= 1.25
export const INSTALL_GO_FIX = "install Go >= 1.25 from https://go.dev/dl/ and put its bin/ on PATH";

export async function goVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await run("go", ["env", "GOVERSION"], { timeout: 15_000 });
    return stdout.trim().replace(/^go/, "") || undefined;
  } catch {
    return undefined;
  }
}

export async function requireGo(): Promise<string> {
  const version = await goVersion();
  if (!version) throw new EnvironmentError("Go is not installed (the k6 and Toxiproxy installers build with `go install`)", INSTALL_GO_FIX);
  const [major = 0, minor = 0] = version.split(".").map((n) => Number.parseInt(n, 10));
  if (major < MIN_GO[0] || (major === MIN_GO[0] && minor < MIN_GO[1])) {
    throw new EnvironmentError(`Go ${version} is too old: k6 v2 needs Go >= ${MIN_GO.join(".")}`, INSTALL_GO_FIX);
  }
  return version;
}

/**
 * The environment for `go install`. When the user has not chosen a GOPROXY we use the module proxy
 * alone: the default ",direct" fallback would try to clone repositories from their origin.
 */
export function goInstallEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...(process.env.GOPROXY ? {} : { GOPROXY: "https://proxy.golang.org" }),
    ...extra,
  };
}
