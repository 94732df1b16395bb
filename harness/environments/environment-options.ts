// What every environment is started with.

export interface EnvironmentOptions {
  /** folder for the relay's and Toxiproxy's logs (the run's report folder) */
  logDir: string;
  /** extra RELAY_* variables: limits, forward cap, TLS files */
  relayEnv: Record<string, string>;
  /** serve wss with a certificate made for the run */
  tls: boolean;
  log: (line: string) => void;
}
