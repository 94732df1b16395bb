// A TLS certificate made for one run (P-256, valid for localhost and 127.0.0.1, one day), so the
// relay can serve wss the way real messaging does.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentError } from "../errors.ts";

export interface RunCertificate { certFile: string; keyFile: string; cert: string; key: string }

export function makeRunCertificate(dir: string): RunCertificate {
  const certFile = join(dir, "relay-cert.pem");
  const keyFile = join(dir, "relay-key.pem");
  try {
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
      "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout", keyFile, "-out", certFile,
    ], { stdio: "pipe" });
  } catch (e) {
    throw new EnvironmentError(`--tls needs openssl to make the run's certificate: ${(e as Error).message.split("\n")[0]}`, "apt-get install -y openssl");
  }
  return { certFile, keyFile, cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
}
