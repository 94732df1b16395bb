// Starts the chosen environment with the scenario's relay settings (and the run's TLS files).
import { startContainersEnvironment } from "./containers/containers-environment.ts";
import type { Environment, EnvironmentKind } from "./environment.ts";
import type { EnvironmentOptions } from "./environment-options.ts";
import { startLocalEnvironment } from "./local/local-environment.ts";
import type { RunCertificate } from "./run-certificate.ts";

const TLS_IN_CONTAINER = { cert: "/tls/relay-cert.pem", key: "/tls/relay-key.pem" };

export function startEnvironment(kind: EnvironmentKind, options: EnvironmentOptions & { runId: string; certificate: RunCertificate | null }): Promise<Environment> {
  const { certificate } = options;
  if (kind === "local") {
    const tlsEnv: Record<string, string> = certificate ? { RELAY_TLS_CERT: certificate.certFile, RELAY_TLS_KEY: certificate.keyFile } : {};
    return startLocalEnvironment({ ...options, relayEnv: { ...options.relayEnv, ...tlsEnv } });
  }
  const tlsEnv: Record<string, string> = certificate ? { RELAY_TLS_CERT: TLS_IN_CONTAINER.cert, RELAY_TLS_KEY: TLS_IN_CONTAINER.key } : {};
  const relayFiles = certificate ? [{ content: certificate.cert, target: TLS_IN_CONTAINER.cert }, { content: certificate.key, target: TLS_IN_CONTAINER.key }] : [];
  return startContainersEnvironment({ ...options, relayEnv: { ...options.relayEnv, ...tlsEnv }, relayFiles });
}
