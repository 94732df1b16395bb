// What every environment is started with.
import type { RelayUnderTest } from "./relay-under-test.ts";
import type { RunCertificate } from "./run-certificate.ts";

export interface EnvironmentOptions {
  runId: string;
  /** folder for the relay's and Toxiproxy's logs (the run's report folder) */
  logDir: string;
  /** extra RELAY_* variables: limits, forward cap */
  relayEnv: Record<string, string>;
  /** with a certificate the relay serves wss (https for /healthz and /metrics) */
  certificate: RunCertificate | null;
  log: (line: string) => void;
  /** the user's own relay in place of the reference relay (a command for local, an image for containers) */
  relay?: RelayUnderTest | null;
}
