import { defineConfig } from "vitest/config";
import { SlowFilesFirst } from "./test/support/slow-files-first.ts";

// Three tiers (vitest projects); `npm test` runs them in this order, each after the one before passes.
// unit: no external tool, no network beyond loopback servers inside the test's own process, no child
// process (files may run in parallel: `npm run test:unit`).
const UNIT = [
  "test/analysis/{drops-without-fault,generator-saturation,left-for-good,message-checkers,recovery,relay-prekey-log,surge-dropped-arrivals,surge-picked-twice}.test.ts",
  "test/bench/{server-search,segments-rows}.test.ts",
  "test/cli/command-args.test.ts",
  "test/checks/{check-result,privacy-check,stored-file-scan,traffic-tap}.test.ts",
  "test/faults/*.test.ts",
  "test/export/{collector-start,collector-clock,collector-manifests,core-manifests}.test.ts",
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
// end-to-end: every other file (k6, Toxiproxy, containers, Chromium, XMPP servers), three files at a
// time (`npm run test:e2e`): most of their time is a scenario's own duration, not CPU, and each
// checks only what its own runs left and started.
// The files that need a quiet generator (saturation guard, latency windows, k6's floor, the gate's
// real runs) size their load to stay quiet with two other files running beside them.
// end-to-end-alone: files that act on every run on the machine, or judge latency against a bound
// too tight to share the machine, one at a time after the others.
const ALONE = [
  "test/cli/clean-all.test.ts", // removes every run's containers and processes, running or not
  "test/environments/leftovers.test.ts", // leaves a dead harness's network that any harness starting beside it removes
  "test/run/clean-local.test.ts", // leaves a dead harness's processes that any harness starting beside it ends
  "test/run/harness-killed.test.ts", // the same, for the next run after a killed harness
  "test/toolchain/{podman-service,container-engine,no-engine,test-prerequisites}.test.ts", // start, hide or look for the engine itself
  "test/checks/relay-late-mode.test.ts", // a 1 s late bound: a loaded machine makes unheld messages late too
];

export default defineConfig({
  test: {
    // tests start real processes and containers: one file at a time unless a command asks for more
    // (package.json's test:unit, test:relay and test:e2e do)
    fileParallelism: false,
    sequence: { sequencer: SlowFilesFirst },
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ["default"],
    projects: [
      { extends: true, test: { name: "unit", include: UNIT } },
      { extends: true, test: { name: "relay-process", include: RELAY_PROCESS } },
      { extends: true, test: { name: "end-to-end", include: ["test/**/*.test.ts"], exclude: [...UNIT, ...RELAY_PROCESS, ...ALONE] } },
      { extends: true, test: { name: "end-to-end-alone", include: ALONE } },
    ],
  },
});
