// What every environment is started with.
import type { RelayUnderTest } from "./relay-under-test.ts";
import type { RunCertificate } from "./run-certificate.ts";
import type { TargetName } from "../targets/target.ts";

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
  /** the server under test (default relay): the relay above, or an XMPP server in its place */
  target?: TargetName;
  /** an XMPP target's configuration file given by the user (--target-config) instead of the generated one */
  targetConfig?: string;
}
