import { describe, expect, it } from "vitest";
import { fromBase64, fromUtf8, toBase64, utf8 } from "../../harness/protocol/bytes.ts";
import { decodeEnvelope, encodeEnvelope } from "../../harness/protocol/envelope.ts";
import { createIdentity, exportIdentity, importIdentity } from "../../harness/protocol/identity.ts";
import { createPrekeyRing, exportPrekeyRing, importPrekeyRing, PrekeyRingOnDemand } from "../../harness/protocol/prekeys.ts";
import { DecryptError, SessionManager } from "../../harness/protocol/session.ts";
import { prekeyDirectory } from "../support/prekey-directory.ts";

async function user(dir: ReturnType<typeof prekeyDirectory>, oneTime = 5) {
  const identity = await createIdentity();
  const ring = await createPrekeyRing(identity, oneTime);
  dir.publish(identity, ring);
  return { identity, ring, sessions: new SessionManager(identity, ring, (id) => dir.fetch(id)) };
}

const text = (s: string) => utf8(s);

describe("end-to-end sessions (X3DH over P-256 + symmetric ratchet)", () => {
  it("lets two users exchange messages in both directions after one prekey fetch", async () => {
    const dir = prekeyDirectory();
    const alice = await user(dir), bob = await user(dir);
    for (let i = 0; i < 5; i++) {
      const body = await alice.sessions.encrypt(bob.identity.userId, `a${i}`, text(`hi bob ${i}`));
      expect(fromUtf8(await bob.sessions.decrypt(alice.identity.userId, `a${i}`, body))).toBe(`hi bob ${i}`);
      const reply = await bob.sessions.encrypt(alice.identity.userId, `b${i}`, text(`hi alice ${i}`));
      expect(fromUtf8(await alice.sessions.decrypt(bob.identity.userId, `b${i}`, reply))).toBe(`hi alice ${i}`);
    }
  });

  it("gives every message its own key: the same plaintext never repeats a ciphertext", async () => {
    const dir = prekeyDirectory();
    const alice = await user(dir), bob = await user(dir);
    const bodies = new Set<string>();
    for (let i = 0; i < 20; i++) bodies.add(decodeEnvelope(await alice.sessions.encrypt(bob.identity.userId, `m${i}`, text("same")))!.ct);
    expect(bodies.size).toBe(20);
  });

  it("carries the init header until the responder answers, then drops it", async () => {
    const dir = prekeyDirectory();
    const alice = await user(dir), bob = await user(dir);
    const first = await alice.sessions.encrypt(bob.identity.userId, "1", text("one"));
    const second = await alice.sessions.encrypt(bob.identity.userId, "2", text("two"));
    expect(decodeEnvelope(first)!.init).toBeDefined();
    expect(decodeEnvelope(second)!.init).toBeDefined();
    await bob.sessions.decrypt(alice.identity.userId, "2", second);
    await alice.sessions.decrypt(bob.identity.userId, "r", await bob.sessions.encrypt(alice.identity.userId, "r", text("ok")));
    expect(decodeEnvelope(await alice.sessions.encrypt(bob.identity.userId, "3", text("three")))!.init).toBeUndefined();
  });

  it("decrypts messages that arrive out of order, each exactly once", async () => {
    const dir = prekeyDirectory();
    const alice = await user(dir), bob = await user(dir);
    const sent = [];
    for (let i = 0; i < 10; i++) sent.push({ id: `m${i}`, body: await alice.sessions.encrypt(bob.identity.userId, `m${i}`, text(`msg ${i}`)) });
    const order = [7, 2, 9, 0, 1, 8, 3, 5, 4, 6];
    for (const i of order) expect(fromUtf8(await bob.sessions.decrypt(alice.identity.userId, sent[i].id, sent[i].body))).toBe(`msg ${i}`);
    for (const i of order) await expect(bob.sessions.decrypt(alice.identity.userId, sent[i].id, sent[i].body)).rejects.toThrow(DecryptError);
  });

  it("rejects a replayed ciphertext", async () => {
    const dir = prekeyDirectory();
    const alice = await user(dir), bob = await user(dir);
    const body = await alice.sessions.encrypt(bob.identity.userId, "x", text("once"));
    await bob.sessions.decrypt(alice.identity.userId, "x", body);
    await expect(bob.sessions.decrypt(alice.identity.userId, "x", body)).rejects.toThrow(/already used/);
  });

  it("rejects an altered ciphertext and still decrypts the genuine one afterwards", async () => {
    const dir = prekeyDirectory();
    const alice = await user(dir), bob = await user(dir);
    const body = await alice.sessions.encrypt(bob.identity.userId, "x", text("genuine"));
    const envelope = decodeEnvelope(body)!;
    const ct = fromBase64(envelope.ct);
    ct[3] ^= 0x01;
    const forged = encodeEnvelope({ ...envelope, ct: toBase64(ct) });
    await expect(bob.sessions.decrypt(alice.identity.userId, "x", forged)).rejects.toThrow(/authentication failed/);
    expect(fromUtf8(await bob.sessions.decrypt(alice.identity.userId, "x", body))).toBe("genuine");
  });

  it("binds sender, recipient and message id: a ciphertext moved to another id or sender fails", async () => {
    const dir = prekeyDirectory();
    const alice = await user(dir), bob = await user(dir), carol = await user(dir);
    const body = await alice.sessions.encrypt(bob.identity.userId, "id-1", text("for bob"));
    await expect(bob.sessions.decrypt(alice.identity.userId, "id-2", body)).rejects.toThrow(DecryptError);
    await expect(bob.sessions.decrypt(carol.identity.userId, "id-1", body)).rejects.toThrow(DecryptError);
    await expect(carol.sessions.decrypt(alice.identity.userId, "id-1", body)).rejects.toThrow(DecryptError);
    expect(fromUtf8(await bob.sessions.decrypt(alice.identity.userId, "id-1", body))).toBe("for bob");
  });

  it("consumes a one-time prekey once and still agrees on a session when they run out", async () => {
    const dir = prekeyDirectory();
    const bob = await user(dir, 1);
    const a1 = await user(dir), a2 = await user(dir);
    const b1 = await a1.sessions.encrypt(bob.identity.userId, "1", text("with one-time prekey"));
    const b2 = await a2.sessions.encrypt(bob.identity.userId, "1", text("without"));
    expect(decodeEnvelope(b1)!.init!.opk).toBe(1);
    expect(decodeEnvelope(b2)!.init!.opk).toBeUndefined();
    expect(fromUtf8(await bob.sessions.decrypt(a1.identity.userId, "1", b1))).toBe("with one-time prekey");
    expect(bob.ring.oneTime.size).toBe(0);
    expect(fromUtf8(await bob.sessions.decrypt(a2.identity.userId, "1", b2))).toBe("without");
  });

  it("refuses a bundle whose keys are not signed by the identity it names", async () => {
    const dir = prekeyDirectory();
    const alice = await user(dir), bob = await user(dir), mallory = await user(dir);
    const forged = { ...(await dir.fetch(bob.identity.userId)), signedPrekey: (await dir.fetch(mallory.identity.userId)).signedPrekey };
    const victim = new SessionManager(alice.identity, alice.ring, async () => forged);
    await expect(victim.encrypt(bob.identity.userId, "1", text("x"))).rejects.toThrow(/bad signed prekey signature/);
  });

  it("survives export and import of identity and prekeys (the JSON handed to k6)", async () => {
    const dir = prekeyDirectory();
    const alice = await user(dir), bob = await user(dir);
    const body = await alice.sessions.encrypt(bob.identity.userId, "1", text("portable"));
    const identity = await importIdentity(JSON.parse(JSON.stringify(await exportIdentity(bob.identity))));
    const ring = await importPrekeyRing(JSON.parse(JSON.stringify(await exportPrekeyRing(bob.ring))));
    expect(identity.userId).toBe(bob.identity.userId);
    const restored = new SessionManager(identity, ring, (id) => dir.fetch(id));
    expect(fromUtf8(await restored.decrypt(alice.identity.userId, "1", body))).toBe("portable");
  });

  it("answers key agreements from a ring kept as text: imported when first needed, its used one-time prekeys stay used", async () => {
    const dir = prekeyDirectory();
    const bob = await user(dir, 2);
    const onDemand = new PrekeyRingOnDemand(await exportPrekeyRing(bob.ring));
    const restored = new SessionManager(bob.identity, () => onDemand.use(), (id) => dir.fetch(id));
    const a1 = await user(dir), a2 = await user(dir), a3 = await user(dir);
    const bodies = [];
    for (const a of [a1, a2, a3]) bodies.push(await a.sessions.encrypt(bob.identity.userId, "1", text("hello")));
    expect(bodies.map((b) => decodeEnvelope(b)!.init!.opk)).toEqual([1, 2, undefined]);
    // publishing reads the ring without keeping it: both prekeys are still there
    expect([...(await onDemand.current()).oneTime.keys()]).toEqual([1, 2]);
    expect(fromUtf8(await restored.decrypt(a1.identity.userId, "1", bodies[0]))).toBe("hello");
    expect([...(await onDemand.current()).oneTime.keys()]).toEqual([2]);
    expect(fromUtf8(await restored.decrypt(a2.identity.userId, "1", bodies[1]))).toBe("hello");
    expect(fromUtf8(await restored.decrypt(a3.identity.userId, "1", bodies[2]))).toBe("hello");
    expect((await onDemand.use()).oneTime.size).toBe(0);
  });
});
