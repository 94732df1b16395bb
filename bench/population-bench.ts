// Population generation: node:crypto (harness/load/population.ts) against the WebCrypto path it
// replaced (harness/protocol createIdentity + createPrekeyRing + export, one user after another),
// measured in the same run, and the cache read.
//
//   npx tsx bench/population-bench.ts [users=10000] [webCryptoUsers=500] [singleThreadUsers=2000]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { generatePopulation, populationCacheFile, type PopulationOptions } from "../harness/load/population.ts";
import { createIdentity, exportIdentity } from "../harness/protocol/identity.ts";
import { createPrekeyRing, exportPrekeyRing } from "../harness/protocol/prekeys.ts";

const [users = 10_000, webCryptoUsers = 500, singleThreadUsers = 2_000] = process.argv.slice(2).map(Number);
const ONE_TIME_PREKEYS = 20;
const CONTACTS = 5;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const perUser = (ms: number, n: number) => `${(ms / n).toFixed(3)} ms/user`;

async function webCrypto(n: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const identity = await createIdentity();
    const ring = await createPrekeyRing(identity, ONE_TIME_PREKEYS);
    await exportIdentity(identity);
    await exportPrekeyRing(ring);
  }
  return performance.now() - started;
}

const cacheDir = mkdtempSync(join(tmpdir(), "population-bench-"));
try {
  console.log(`node ${process.version}, ${availableParallelism()} CPUs; ${ONE_TIME_PREKEYS} one-time prekeys, ${CONTACTS} contacts per user`);

  const oldMs = await webCrypto(webCryptoUsers);
  console.log(`WebCrypto (before)        ${String(webCryptoUsers).padStart(6)} users  ${seconds(oldMs).padStart(9)}  ${perUser(oldMs, webCryptoUsers)}  -> ${users} users ~ ${seconds((oldMs / webCryptoUsers) * users)}`);

  const singleMs = await timed({ users: singleThreadUsers, seed: 1, contactsPerUser: CONTACTS, oneTimePrekeys: ONE_TIME_PREKEYS, cache: false, threads: 1 });
  console.log(`node:crypto, 1 thread     ${String(singleThreadUsers).padStart(6)} users  ${seconds(singleMs).padStart(9)}  ${perUser(singleMs, singleThreadUsers)}  -> ${users} users ~ ${seconds((singleMs / singleThreadUsers) * users)}`);

  const options: PopulationOptions = { users, seed: 1, contactsPerUser: CONTACTS, oneTimePrekeys: ONE_TIME_PREKEYS, cacheDir };
  let generatedAt = 0;
  const started = performance.now();
  let lastLine = 0;
  await generatePopulation({
    ...options,
    onProgress: (done, total) => {
      const now = performance.now();
      if (done === total) generatedAt = now;
      if (now - lastLine >= 1000 || done === total) {
        lastLine = now;
        process.stderr.write(`  ${done}/${total} after ${seconds(now - started)}\n`);
      }
    },
  });
  const finished = performance.now();
  const genMs = generatedAt - started;
  console.log(`node:crypto, default      ${String(users).padStart(6)} users  ${seconds(genMs).padStart(9)}  ${perUser(genMs, users)}  (${(oldMs / webCryptoUsers / (genMs / users)).toFixed(1)}x the WebCrypto rate)`);
  const size = statSync(populationCacheFile(options)).size;
  console.log(`cache write               ${String(users).padStart(6)} users  ${seconds(finished - generatedAt).padStart(9)}  ${(size / 1e6).toFixed(1)} MB`);

  const readMs = await timed(options);
  console.log(`cache read                ${String(users).padStart(6)} users  ${seconds(readMs).padStart(9)}`);
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}

async function timed(options: PopulationOptions): Promise<number> {
  const started = performance.now();
  const population = await generatePopulation(options);
  if (population.members.length !== options.users) throw new Error(`expected ${options.users} users, got ${population.members.length}`);
  return performance.now() - started;
}
