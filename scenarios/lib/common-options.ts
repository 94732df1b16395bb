// k6 options every scenario shares: trend statistics for the summary, and trust in the run's own
// TLS certificate (k6 has no option for an extra root CA, so --tls runs skip verification).

export function commonOptions(env: Record<string, string | undefined>) {
  return {
    insecureSkipTLSVerify: env.TLS_INSECURE === "1",
    summaryTrendStats: ["avg", "min", "med", "p(90)", "p(95)", "p(99)", "max"],
  };
}
