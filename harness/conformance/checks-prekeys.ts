// Prekeys: publish then fetch; each one-time prekey is handed out once; no_prekeys for a user
// who never published.
import { createIdentity } from "../protocol/identity.ts";
import { createPrekeyRing, publishFields } from "../protocol/prekeys.ts";
import type { ConformanceCheck } from "./check.ts";
import { ConformanceClient, show } from "./client.ts";

export const prekeysOneTimeOnce: ConformanceCheck = {
  name: "prekeys-one-time-once",
  expected: "prekeys_ok 2; two fetches hand out the 2 one-time prekeys once each; the third has none, oneTimeRemaining 0",
  async run(ctx) {
    const owner = await createIdentity();
    const { client: publisher } = await ConformanceClient.login(ctx.wsUrls[0], owner);
    const { client: fetcher } = await ConformanceClient.login(ctx.wsUrls[1] ?? ctx.wsUrls[0]);
    try {
      const ring = await createPrekeyRing(owner, 2);
      const published = publisher.waitFor((f) => f.reqId === "conf-pub", "`prekeys_ok` with reqId 'conf-pub'");
      publisher.send({ type: "publish_prekeys", reqId: "conf-pub", ...publishFields(owner, ring) });
      const ok = await published;
      if (ok.type !== "prekeys_ok" || ok.oneTimePrekeys !== 2) return { ok: false, measured: `publish answered ${show(ok)}` };
      const bundles: Record<string, unknown>[] = [];
      for (const n of [1, 2, 3]) {
        const reqId = `conf-fetch-${n}`;
        const answer = fetcher.waitFor((f) => f.reqId === reqId, `an answer to fetch_prekeys '${reqId}'`);
        fetcher.send({ type: "fetch_prekeys", reqId, userId: owner.userId });
        bundles.push(await answer);
      }
      const notBundle = bundles.find((b) => b.type !== "prekey_bundle");
      if (notBundle) return { ok: false, measured: `fetch answered ${show(notBundle)}` };
      const ids = bundles.map((b) => (b.oneTimePrekey as { id?: unknown } | undefined)?.id);
      const remaining = bundles.map((b) => b.oneTimeRemaining);
      const published2 = [...ring.oneTime.keys()];
      const fresh = ids[0] !== undefined && ids[1] !== undefined && ids[0] !== ids[1] && published2.includes(ids[0] as number) && published2.includes(ids[1] as number);
      const matches = bundles[0].userId === owner.userId && bundles[0].dhKey === publishFields(owner, ring).dhKey;
      const pass = fresh && ids[2] === undefined && remaining[2] === 0 && matches;
      return { ok: pass, measured: `one-time ids ${ids.map((i) => (i === undefined ? "none" : String(i))).join(", ")}; remaining ${remaining.join(", ")}${matches ? "" : "; bundle keys do not match the publish"}` };
    } finally {
      publisher.close();
      fetcher.close();
    }
  },
};

export const fetchNeverPublished: ConformanceCheck = {
  name: "fetch-never-published",
  expected: "error `no_prekeys` with the request's reqId",
  async run(ctx) {
    const nobody = await createIdentity();
    const { client } = await ConformanceClient.login(ctx.wsUrls[0]);
    try {
      const answer = client.waitFor((f) => f.reqId === "conf-none", "an answer to fetch_prekeys 'conf-none'");
      client.send({ type: "fetch_prekeys", reqId: "conf-none", userId: nobody.userId });
      const frame = await answer;
      return { ok: frame.type === "error" && frame.code === "no_prekeys", measured: show(frame) };
    } finally {
      client.close();
    }
  },
};
