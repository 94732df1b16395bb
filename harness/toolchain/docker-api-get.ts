// A minimal GET against a Docker-compatible API (Docker or Podman) at a DOCKER_HOST-style address.
import { request } from "node:http";

export interface ApiResponse {
  status: number;
  body: string;
}

/** Supports unix:///path/to.sock and tcp://host:port (plain HTTP). */
export function dockerApiGet(dockerHost: string, path: string, timeoutMs = 3_000): Promise<ApiResponse> {
  const target = parseDockerHost(dockerHost);
  return new Promise((resolve, reject) => {
    const req = request(
      { ...target, path, method: "GET", timeout: timeoutMs, headers: { Host: "docker" } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from ${dockerHost}${path} within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

function parseDockerHost(dockerHost: string): { socketPath: string } | { host: string; port: number } {
  if (dockerHost.startsWith("unix://")) return { socketPath: dockerHost.slice("unix://".length) };
  if (dockerHost.startsWith("tcp://") || dockerHost.startsWith("http://")) {
    const url = new URL(dockerHost.replace(/^tcp:/, "http:"));
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  throw new Error(`unsupported DOCKER_HOST ${dockerHost}: use unix:///path or tcp://host:port`);
}
