import { defineConfig } from "vitest/config";

// Three tiers (vitest projects); `npm test` runs them in this order, each after the one before passes.
// unit: no external tool, no network beyond loopback servers inside the test's own process, no child
// process (files may run in parallel: `npm run test:unit`).
const UNIT = [
  "test/analysis/{drops-without-fault,generator-saturation,message-checkers,recovery,relay-prekey-log}.test.ts",
  "test/bench/server-search.test.ts",
  "test/checks/{check-result,privacy-check,stored-file-scan,traffic-tap}.test.ts",
  "test/faults/*.test.ts",
  "test/export/{collector-start,collector-clock,collector-manifests}.test.ts",
  "test/load/{population,segments-args,segments-flag,segments-merge}.test.ts",
  "test/progress/*.test.ts",
  "test/protocol/{bytes,frames,hkdf,one-time-prekey-grace,session,xmpp-xml}.test.ts",
  "test/record/{record-codec,relay-metrics-availability,server-usage-sampler}.test.ts",
  "test/report/summary-schema.test.ts",
  "test/run/size-check.test.ts",
  "test/scenarios/{endpoint-order,in-arrival-order,ping-schedule,sign-in-pace,xmpp-stream-counters}.test.ts",
  "test/targets-cli/{target-in-reports,xmpp-install}.test.ts",
  "test/timeline/*.test.ts",
];
// relay-process: starts the reference relay, the harness's CLI (refusing bad input before it starts
// anything) or other local programs (strace, xmllint, tar), but no k6, Toxiproxy, container, browser
// or XMPP server.
const RELAY_PROCESS = [
  "test/relay/*.test.ts",
  "test/analysis/process-usage-sampler.test.ts",
  "test/bench/{bench-args,relay-store-forward}.test.ts",
  "test/environments/{lifeline,stored-files}.test.ts",
  "test/load/k6-end-watch.test.ts",
  "test/record/client-event-tail.test.ts",
  "test/run/{environment-missing,relay-under-test-flags,sizes-refused,suites-and-flags}.test.ts",
  "test/targets-cli/target-bad-input.test.ts",
  "test/verdict/{verdict,slo-bad-input}.test.ts",
];
// end-to-end: every other file (k6, Toxiproxy, containers, Chromium, XMPP servers): one file at a time.

export default defineConfig({
  test: {
    // tests start real processes and containers on a 2-core machine: one file at a time unless a
    // command asks for more (`npm run test:unit` does)
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ["default"],
    projects: [
      { extends: true, test: { name: "unit", include: UNIT } },
      { extends: true, test: { name: "relay-process", include: RELAY_PROCESS } },
      { extends: true, test: { name: "end-to-end", include: ["test/**/*.test.ts"], exclude: [...UNIT, ...RELAY_PROCESS] } },
    ],
  },
});
