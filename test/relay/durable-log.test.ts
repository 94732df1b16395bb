import { appendFileSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AppendLog, checksummedLine } from "../../fixtures/relay/append-log.ts";
import { LOG_FILE, RelayStore } from "../../fixtures/relay/relay-store.ts";
import { cleanUpRelays, makeTempDir } from "../support/relay-process.ts";

const RECIPIENT = "R".repeat(22);
const SENDER = "S".repeat(22);
const body = Buffer.alloc(200, 1).toString("base64");

function openStore(dataDir: string, compactMinBytes = 64 * 1024 * 1024): RelayStore {
  return new RelayStore({ dataDir, maxOneTimePrekeys: 200, compactMinBytes });
}

describe("relay durable log", () => {
  afterAll(cleanUpRelays);

  it("commits concurrent appends in a few group writes, each resolved only after its batch is synced", async () => {
    const dir = makeTempDir();
    const { log } = await AppendLog.open(dir, "x.jsonl", () => {});
    let batches = 0;
    log.onCommit = () => batches++;
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ n: i }));
    await Promise.all(lines.map((l) => log.append(l)));
    expect(batches).toBeLessThan(100);
    expect(readFileSync(join(dir, "x.jsonl"), "utf8")).toBe(lines.map(checksummedLine).join("\n") + "\n");
    await log.close();
  });

  it("cuts a torn last line away on start and keeps appending after it", async () => {
    const dir = makeTempDir();
    const store = openStore(dir);
    await store.load();
    await Promise.all([0, 1, 2].map((i) => store.messages.store(SENDER, RECIPIENT, `m${i}`, body, 1000 + i).durable));
    await store.close();
    const path = join(dir, LOG_FILE);
    const goodSize = statSync(path).size;
    const torn = '{"k":"m","to":"RRRR","from":"SS'; // a write cut short by kill -9
    appendFileSync(path, torn);

    const reopened = openStore(dir);
    const stats = await reopened.load();
    expect(stats).toMatchObject({ records: 3, truncatedBytes: torn.length, queued: 3 });
    expect(statSync(path).size).toBe(goodSize);
    await reopened.messages.store(SENDER, RECIPIENT, "m3", body, 1003).durable;
    await reopened.close();

    const third = openStore(dir);
    expect(await third.load()).toMatchObject({ records: 4, truncatedBytes: 0 });
    expect(third.messages.listFor(RECIPIENT).map((m) => m.id)).toEqual(["m0", "m1", "m2", "m3"]);
    await third.close();
  });

  it("compacts at runtime once the log is large and mostly acknowledged, keeping queue order", async () => {
    const dir = makeTempDir();
    const store = openStore(dir, 64 * 1024);
    let compactions = 0;
    store.onCompaction = () => compactions++;
    await store.load();
    for (let round = 0; round < 5; round++) {
      const ids = Array.from({ length: 100 }, (_, i) => `r${round}-${i}`);
      await Promise.all(ids.map((id, i) => store.messages.store(SENDER, RECIPIENT, id, body, i).durable));
      store.messages.acknowledge(RECIPIENT, ids.slice(0, 98).map((id) => ({ from: SENDER, id }))); // keep the last two of every round
      await store.flush();
    }
    await store.flush();
    expect(compactions).toBeGreaterThan(0);
    expect(statSync(join(dir, LOG_FILE)).size).toBeLessThan(64 * 1024);
    await store.close();
    const reopened = openStore(dir);
    await reopened.load();
    expect(reopened.messages.listFor(RECIPIENT).map((m) => m.id)).toEqual(
      [0, 1, 2, 3, 4].flatMap((r) => [`r${r}-98`, `r${r}-99`]),
    );
    await reopened.close();
  });

  it("compacts at start when the log is mostly garbage", async () => {
    const dir = makeTempDir();
    const lines: string[] = [];
    for (let i = 0; i < 6000; i++) lines.push(JSON.stringify({ k: "m", to: RECIPIENT, from: SENDER, id: `g${i}`, ts: i, body }));
    lines.push(JSON.stringify({ k: "x", to: RECIPIENT, m: Array.from({ length: 5990 }, (_, i) => [SENDER, `g${i}`]) }));
    writeFileSync(join(dir, LOG_FILE), lines.join("\n") + "\n");
    const before = statSync(join(dir, LOG_FILE)).size;
    const store = openStore(dir);
    const stats = await store.load();
    expect(stats.queued).toBe(10);
    const after = statSync(join(dir, LOG_FILE)).size;
    expect(after).toBeLessThan(before / 100);
    await store.close();
    const reopened = openStore(dir);
    await reopened.load();
    expect(reopened.messages.listFor(RECIPIENT).map((m) => m.id)).toEqual(Array.from({ length: 10 }, (_, i) => `g${5990 + i}`));
    await reopened.close();
  });

  it("replays published prekeys and consumed one-time prekeys", async () => {
    const dir = makeTempDir();
    const store = openStore(dir);
    await store.load();
    const key = "B" + "A".repeat(86) + "==";
    await store.prekeys.publish(RECIPIENT, {
      signingKey: key, dhKey: key, dhKeySig: "sig", signedPrekey: { id: 1, key, sig: "sig" },
      oneTimePrekeys: [{ id: 1, key }, { id: 2, key }],
    });
    const first = await store.prekeys.takeBundle(RECIPIENT);
    expect(first?.oneTimePrekey?.id).toBe(1);
    await store.close();
    const reopened = openStore(dir);
    await reopened.load();
    const second = await reopened.prekeys.takeBundle(RECIPIENT);
    expect(second).toMatchObject({ oneTimePrekey: { id: 2 }, oneTimeRemaining: 0 });
    await reopened.close();
  });
});
