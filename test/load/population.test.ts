import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InterruptedError } from "../../harness/errors.ts";
import { generatePopulation, POPULATION_FORMAT, populationCacheFile, writePopulationFile, type PopulationOptions } from "../../harness/load/population.ts";
import { fromUtf8, utf8 } from "../../harness/protocol/bytes.ts";
import { decodeEnvelope } from "../../harness/protocol/envelope.ts";
import { createIdentity, exportIdentity, importIdentity } from "../../harness/protocol/identity.ts";
import { createPrekeyRing, exportPrekeyRing, importPrekeyRing } from "../../harness/protocol/prekeys.ts";
import { SessionManager } from "../../harness/protocol/session.ts";
import { verify } from "../../harness/protocol/signatures.ts";
import { verifyBundle } from "../../harness/protocol/x3dh.ts";
import type { Population, PopulationMember } from "../../scenarios/lib/population.ts";
import { prekeyDirectory } from "../support/prekey-directory.ts";

const cacheRoot = mkdtempSync(join(tmpdir(), "population-test-"));
let cacheDirs = 0;
/** a cache folder of its own for each test */
const freshCacheDir = () => join(cacheRoot, `c${++cacheDirs}`);

afterAll(() => rmSync(cacheRoot, { recursive: true, force: true }));

const small = (extra: Partial<PopulationOptions> = {}): PopulationOptions => ({ users: 6, seed: 11, contactsPerUser: 3, oneTimePrekeys: 4, cache: false, ...extra });


async function load(member: PopulationMember) {
  const identity = await importIdentity(JSON.parse(JSON.stringify(member.identity)));
  const ring = await importPrekeyRing(JSON.parse(JSON.stringify(member.prekeys)));
  return { identity, ring };
}

/** The JSON with every string replaced by its length: same members, same order, same sizes. */
const shape = (value: unknown) => JSON.stringify(value, (_key, v) => (typeof v === "string" ? v.length : v));
const userIds = (population: Population) => population.members.map((m) => m.userId);
const contacts = (population: Population) => population.members.map((m) => m.contacts);

describe("generated users work with the WebCrypto protocol code", () => {
  it("import with importIdentity/importPrekeyRing and export back to the same JSON, byte for byte", async () => {
    const population = await generatePopulation(small());
    expect(population.members.map((m) => m.index)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const member of population.members) {
      const { identity, ring } = await load(member);
      expect(identity.userId).toBe(member.userId);
      expect(JSON.stringify(await exportIdentity(identity))).toBe(JSON.stringify(member.identity));
      expect(JSON.stringify(await exportPrekeyRing(ring))).toBe(JSON.stringify(member.prekeys));
      expect([...ring.oneTime.keys()]).toEqual([1, 2, 3, 4]);
    }
  });

  it("has the same JSON layout as a user made by createIdentity/createPrekeyRing", async () => {
    const [member] = (await generatePopulation(small({ users: 1, contactsPerUser: 0 }))).members;
    const identity = await createIdentity();
    const ring = await createPrekeyRing(identity, 4);
    const webCrypto: PopulationMember = { index: 0, userId: identity.userId, identity: await exportIdentity(identity), prekeys: await exportPrekeyRing(ring), contacts: [], sessions: [] };
    expect(shape(member)).toBe(shape(webCrypto));
  });

  it("signs the DH identity key and the signed prekey with the identity signing key", async () => {
    const population = await generatePopulation(small({ users: 2 }));
    for (const member of population.members) {
      const { identity, ring } = await load(member);
      expect(await verify(identity.signingPublic, identity.dhPublicSig, identity.dhPublic)).toBe(true);
      expect(await verify(identity.signingPublic, ring.signed.sig, ring.signed.publicKey)).toBe(true);
      expect(await verify(identity.signingPublic, identity.dhPublicSig, ring.signed.publicKey)).toBe(false);
      const dir = prekeyDirectory();
      dir.publish(identity, ring);
      await expect(verifyBundle(await dir.fetch(identity.userId), identity.userId)).resolves.toBeUndefined();
    }
    const [a, b] = await Promise.all(population.members.map(load));
    expect(await verify(b.identity.signingPublic, a.identity.dhPublicSig, a.identity.dhPublic)).toBe(false);
  });

  it("lets two generated users set up a session (X3DH with a one-time prekey) and talk both ways", async () => {
    const dir = prekeyDirectory();
    const [alice, bob] = await Promise.all((await generatePopulation(small({ users: 2 }))).members.map(load));
    dir.publish(alice.identity, alice.ring);
    dir.publish(bob.identity, bob.ring);
    const aliceSessions = new SessionManager(alice.identity, alice.ring, (id) => dir.fetch(id));
    const bobSessions = new SessionManager(bob.identity, bob.ring, (id) => dir.fetch(id));
    const first = await aliceSessions.encrypt(bob.identity.userId, "a0", utf8("hello bob"));
    expect(decodeEnvelope(first)!.init!.opk).toBe(1);
    expect(fromUtf8(await bobSessions.decrypt(alice.identity.userId, "a0", first))).toBe("hello bob");
    expect(bob.ring.oneTime.has(1)).toBe(false);
    for (let i = 1; i < 4; i++) {
      const reply = await bobSessions.encrypt(alice.identity.userId, `b${i}`, utf8(`hi alice ${i}`));
      expect(fromUtf8(await aliceSessions.decrypt(bob.identity.userId, `b${i}`, reply))).toBe(`hi alice ${i}`);
      const next = await aliceSessions.encrypt(bob.identity.userId, `a${i}`, utf8(`hi bob ${i}`));
      expect(fromUtf8(await bobSessions.decrypt(alice.identity.userId, `a${i}`, next))).toBe(`hi bob ${i}`);
    }
  });

  it("gives each pair of contacts one earlier session, which both sides resume and talk over without key agreement", async () => {
    const population = await generatePopulation(small());
    const pairs = new Set(population.members.flatMap((m) => m.contacts.map((c) => [Math.min(m.index, c), Math.max(m.index, c)].join("-"))));
    const sessions = population.members.flatMap((m) => m.sessions.map((s) => ({ ...s, self: m.index })));
    expect(sessions.filter((s) => s.self < s.peer).map((s) => `${s.self}-${s.peer}`).sort()).toEqual([...pairs].sort());
    // each side sends on the chain the other receives on, and no two pairs share a key
    for (const s of sessions) expect(sessions.filter((o) => o.sid === s.sid).map((o) => [o.self, o.peer, o.send, o.recv])).toEqual(expect.arrayContaining([[s.peer, s.self, s.recv, s.send]]));
    expect(new Set(sessions.flatMap((s) => [s.send, s.recv])).size).toBe(pairs.size * 2);

    const noBundles = () => Promise.reject(new Error("an earlier session needs no prekey bundle"));
    for (const mode of ["full", "session"] as const) {
      const [a, b] = population.members.filter((m) => m.sessions.length > 0).slice(0, 1).flatMap((m) => [m, population.members[m.sessions[0].peer]]);
      const [alice, bob] = await Promise.all([a, b].map(load));
      const aliceSessions = new SessionManager(alice.identity, alice.ring, noBundles, mode);
      const bobSessions = new SessionManager(bob.identity, bob.ring, noBundles, mode);
      aliceSessions.resume(b.userId, a.sessions.find((s) => s.peer === b.index)!);
      bobSessions.resume(a.userId, b.sessions.find((s) => s.peer === a.index)!);
      for (let i = 0; i < 3; i++) {
        const there = await aliceSessions.encrypt(b.userId, `a${i}`, utf8(`to bob ${i}`));
        expect(decodeEnvelope(there)!.init).toBeUndefined();
        expect(fromUtf8(await bobSessions.decrypt(a.userId, `a${i}`, there))).toBe(`to bob ${i}`);
        const back = await bobSessions.encrypt(a.userId, `b${i}`, utf8(`to alice ${i}`));
        expect(fromUtf8(await aliceSessions.decrypt(b.userId, `b${i}`, back))).toBe(`to alice ${i}`);
      }
      // a third member holding another pair's keys cannot read it: the associated data names the recipient
      const carol = population.members.find((m) => m.index !== a.index && m.index !== b.index)!;
      const carolSessions = new SessionManager((await load(carol)).identity, (await load(carol)).ring, noBundles, mode);
      carolSessions.resume(a.userId, { ...b.sessions.find((s) => s.peer === a.index)! });
      const secret = await aliceSessions.encrypt(b.userId, "a9", utf8("only bob"));
      await expect(carolSessions.decrypt(a.userId, "a9", secret)).rejects.toThrow(/authentication failed/);
    }
  });

  it("lets a generated user and a WebCrypto-made user talk", async () => {
    const dir = prekeyDirectory();
    const [generated] = await Promise.all((await generatePopulation(small({ users: 1, contactsPerUser: 0 }))).members.map(load));
    const identity = await createIdentity();
    const ring = await createPrekeyRing(identity, 2);
    dir.publish(generated.identity, generated.ring);
    dir.publish(identity, ring);
    const theirs = new SessionManager(identity, ring, (id) => dir.fetch(id));
    const ours = new SessionManager(generated.identity, generated.ring, (id) => dir.fetch(id));
    const body = await theirs.encrypt(generated.identity.userId, "1", utf8("to generated"));
    expect(fromUtf8(await ours.decrypt(identity.userId, "1", body))).toBe("to generated");
    const back = await ours.encrypt(identity.userId, "2", utf8("from generated"));
    expect(fromUtf8(await theirs.decrypt(generated.identity.userId, "2", back))).toBe("from generated");
  });

  it("gives every key of every user its own private scalar", async () => {
    const population = await generatePopulation(small({ users: 5 }));
    const scalars = population.members.flatMap((m) => [m.identity.signing.d, m.identity.dh.d, m.prekeys.signed.jwk.d, ...m.prekeys.oneTime.map((p) => p.jwk.d)]);
    expect(scalars).toHaveLength(5 * 7);
    expect(new Set(scalars).size).toBe(scalars.length);
    expect(new Set(userIds(population)).size).toBe(5);
  });

  it("generates in worker threads: every user present, in order, and usable", async () => {
    const progress: number[] = [];
    const population = await generatePopulation(small({ users: 520, oneTimePrekeys: 1, threads: 2, onProgress: (done, total) => { expect(total).toBe(520); progress.push(done); } }));
    expect(population.members.map((m) => m.index)).toEqual([...Array(520).keys()]);
    expect(new Set(userIds(population)).size).toBe(520);
    expect(progress.at(-1)).toBe(520);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    for (const member of [population.members[0], population.members[259], population.members[260], population.members[519]]) {
      const { identity, ring } = await load(member);
      expect(identity.userId).toBe(member.userId);
      expect(await verify(identity.signingPublic, ring.signed.sig, ring.signed.publicKey)).toBe(true);
    }
  });
});

describe("social graph and cache", () => {
  it("draws the same social graph for the same seed and a different one for another seed", async () => {
    const a = await generatePopulation(small({ users: 40 }));
    const b = await generatePopulation(small({ users: 40 }));
    const c = await generatePopulation(small({ users: 40, seed: 12 }));
    expect(contacts(a)).toEqual(contacts(b));
    expect(userIds(a)).not.toEqual(userIds(b));
    expect(contacts(a)).not.toEqual(contacts(c));
    for (const [index, list] of contacts(a).entries()) {
      expect(new Set(list).size).toBe(3);
      expect(list).not.toContain(index);
    }
  });

  it("reads a second call with the same key from the cache: the same users", async () => {
    const cacheDir = freshCacheDir();
    const options = small({ users: 8, cache: true, cacheDir });
    const first = await generatePopulation(options);
    expect(existsSync(populationCacheFile(options))).toBe(true);
    const progress: [number, number][] = [];
    const second = await generatePopulation({ ...options, onProgress: (done, total) => progress.push([done, total]) });
    expect(userIds(second)).toEqual(userIds(first));
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(progress).toEqual([[8, 8]]);
    expect(readdirSync(cacheDir)).toEqual([`v${POPULATION_FORMAT}-users8-seed11-contacts3-otpk4.json`]);
  });

  it("does not share a cache entry between seeds, sizes, contact counts or prekey counts", async () => {
    const cacheDir = freshCacheDir();
    const base = small({ users: 8, cache: true, cacheDir });
    const first = await generatePopulation(base);
    const others = [{ seed: 12 }, { users: 9 }, { contactsPerUser: 2 }, { oneTimePrekeys: 5 }];
    for (const change of others) {
      const other = await generatePopulation({ ...base, ...change });
      expect(userIds(other)).not.toContain(first.members[0].userId);
    }
    expect(readdirSync(cacheDir)).toHaveLength(1 + others.length);
    expect(userIds(await generatePopulation(base))).toEqual(userIds(first));
  });

  it("neither reads nor writes the cache when it is turned off", async () => {
    const cacheDir = freshCacheDir();
    const first = await generatePopulation(small({ cache: true, cacheDir }));
    const uncached = await generatePopulation(small({ cache: false, cacheDir }));
    expect(userIds(uncached)).not.toEqual(userIds(first));
    expect(readdirSync(cacheDir)).toHaveLength(1);
    expect(userIds(await generatePopulation(small({ cache: true, cacheDir })))).toEqual(userIds(first));
  });

  it("regenerates (and rewrites) a truncated cache file", async () => {
    const cacheDir = freshCacheDir();
    const options = small({ users: 8, cache: true, cacheDir });
    const first = await generatePopulation(options);
    const file = populationCacheFile(options);
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const second = await generatePopulation(options);
    expect(second.members).toHaveLength(8);
    expect(userIds(second)).not.toEqual(userIds(first));
    expect(contacts(second)).toEqual(contacts(first));
    expect(userIds(await generatePopulation(options))).toEqual(userIds(second));
  });
});

describe("interrupting a generation, and the population file", () => {
  it("stops at once when its signal is aborted, in workers and in this thread, and caches nothing", async () => {
    for (const threads of [2, 1]) {
      const cacheDir = freshCacheDir();
      const controller = new AbortController();
      let abortedAt = 0;
      const generation = generatePopulation(small({
        users: 20_000, threads, cache: true, cacheDir, oneTimePrekeys: 1,
        onProgress: (done) => {
          if (done > 0 && !abortedAt) (abortedAt = Date.now(), controller.abort());
        },
        signal: controller.signal,
      }));
      await expect(generation).rejects.toThrow(InterruptedError);
      await expect(generation).rejects.toThrow(/population generation interrupted after [\d,]+ of 20,000 users/);
      expect(Date.now() - abortedAt, `threads ${threads}`).toBeLessThan(500);
      expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
    }
  });

  it("refuses to start with an aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(generatePopulation(small({ signal: controller.signal }))).rejects.toThrow(InterruptedError);
  });

  it("writes the population file k6 reads one member a line: the same JSON document as the population", async () => {
    const population = await generatePopulation(small({ users: 7 }));
    const file = join(cacheRoot, "population.json");
    await writePopulationFile(file, population);
    const text = readFileSync(file, "utf8");
    expect(text.split("\n")).toHaveLength(7 + 3);
    expect(JSON.stringify(JSON.parse(text))).toBe(JSON.stringify(population));
    expect(readdirSync(cacheRoot).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});
