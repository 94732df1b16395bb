// The least a k6 client does per message against the relay, for the bench's "k6 floor": log in,
// send opaque bodies to a partner at a set rate, count the `sent` answers, parse each delivery
// and acknowledge the deliveries of a tick in one frame. No records, no custom metrics, no
// sessions: what remains is k6's own cost for a message's frames (its event loop, WebSocket
// module and JSON), the part no scenario code can remove. With SEAL=1 each body is also sealed
// and opened as the E2E modes do at the least (WebCrypto AES-256-GCM: import a key and encrypt;
// import a key and decrypt), which adds the cost of k6's WebCrypto round trips.
// Settings (-e): RELAY_URL, IDENTITIES (file of { signingKey, userId, pkcs8 }), RATE, SECONDS,
// START_AT (epoch ms), VUS, BODY (base64), SEAL. Each VU prints one JSON tally line at the end.
import "../../scenarios/lib/k6-primitives.ts";
import exec from "k6/execution";
import { WebSocket } from "k6/websockets";
import { authChallengeBytes } from "../../harness/protocol/auth.ts";
import { fromBase64, randomBytes, toBase64 } from "../../harness/protocol/bytes.ts";

interface PeerIdentity { signingKey: string; userId: string; pkcs8: string }
interface User { index: number; socket: WebSocket; ready: boolean; acks: { from: string; id: string }[] }

const identities = JSON.parse(open(__ENV.IDENTITIES)) as PeerIdentity[];
const RATE = Number(__ENV.RATE);
const SECONDS = Number(__ENV.SECONDS);
const START_AT = Number(__ENV.START_AT);
const VUS = Number(__ENV.VUS);
const BODY = __ENV.BODY;
const SEAL = __ENV.SEAL === "1";
const TICK_MS = 100;
const DRAIN_MS = 3000;
// every VU needs the same key, and secrecy is not what is measured: the body's first 32 bytes
// (k6's WebCrypto reads a typed array's whole buffer, so every part here is a copy: slice)
const KEY = fromBase64(BODY).slice(0, 32);
const PLAINTEXT = fromBase64(BODY).slice(28);
const AES = (iv: Uint8Array) => ({ name: "AES-GCM", iv, tagLength: 128 });

/** iv and ciphertext of the body, as the E2E modes seal one message with a key of its own. */
function sealBody(): Promise<string> {
  const iv = randomBytes(12);
  return crypto.subtle.importKey("raw", KEY, { name: "AES-GCM" }, false, ["encrypt"])
    .then((key) => crypto.subtle.encrypt(AES(iv), key, PLAINTEXT))
    .then((ct) => {
      const body = new Uint8Array(12 + ct.byteLength);
      body.set(iv);
      body.set(new Uint8Array(ct), 12);
      return toBase64(body);
    });
}

function openBody(body: string): Promise<ArrayBuffer> {
  const bytes = fromBase64(body);
  return crypto.subtle.importKey("raw", KEY, { name: "AES-GCM" }, false, ["decrypt"]).then((key) => crypto.subtle.decrypt(AES(bytes.slice(0, 12)), key, bytes.slice(12)));
}

export const options = {
  scenarios: { floor: { executor: "per-vu-iterations", vus: VUS, iterations: 1, maxDuration: `${Math.ceil((START_AT - Date.now()) / 1000) + SECONDS + 30}s` } },
  summaryTrendStats: ["avg"],
};

export default async function (): Promise<void> {
  const vu = exec.vu.idInTest - 1;
  const tally = { vu, users: 0, sent: 0, acked: 0, ackedInWindow: 0, delivered: 0 };
  const users: User[] = [];
  let acking: User[] = [];
  const windowEnd = START_AT + SECONDS * 1000;
  for (let index = vu; index < identities.length; index += VUS) {
    const me = identities[index];
    const key = await crypto.subtle.importKey("pkcs8", fromBase64(me.pkcs8), { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
    const user: User = { index, socket: new WebSocket(__ENV.RELAY_URL), ready: false, acks: [] };
    user.socket.onmessage = (event) => {
      const text = String(event.data);
      if (text.startsWith('{"type":"sent"')) {
        tally.acked++;
        if (Date.now() <= windowEnd) tally.ackedInWindow++;
        return;
      }
      const frame = JSON.parse(text);
      if (frame.type === "deliver") {
        const ack = () => {
          tally.delivered++;
          if (user.acks.length === 0) acking.push(user);
          user.acks.push({ from: frame.from, id: frame.id });
        };
        if (SEAL) openBody(frame.body).then(ack);
        else ack();
      } else if (frame.type === "challenge") {
        crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, authChallengeBytes(frame.nonce)).then((signature) => {
          user.socket.send(JSON.stringify({ type: "auth", v: 1, signingKey: me.signingKey, signature: toBase64(new Uint8Array(signature)) }));
        });
      } else if (frame.type === "auth_ok") {
        user.ready = true;
        tally.users++;
      }
    };
    users.push(user);
  }
  const ratePerVu = (RATE * users.length) / identities.length;
  let budget = 0;
  let lastTick = START_AT;
  let next = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = Date.now();
      if (now >= START_AT && now < windowEnd) {
        budget += (ratePerVu * (now - Math.max(lastTick, START_AT))) / 1000;
        for (; budget >= 1; budget--) {
          const user = users[next++ % users.length];
          if (!user.ready) continue;
          const send = (body: string) => user.socket.send(`{"type":"send","id":"b${tally.sent++}","to":"${identities[user.index ^ 1].userId}","body":"${body}"}`);
          if (SEAL) sealBody().then(send);
          else send(BODY);
        }
      }
      lastTick = now;
      for (const user of acking) {
        user.socket.send(JSON.stringify({ type: "ack", acks: user.acks }));
        user.acks = [];
      }
      acking = [];
      if (now >= windowEnd + DRAIN_MS) {
        clearInterval(timer);
        for (const user of users) user.socket.close();
        console.log(JSON.stringify(tally));
        resolve();
      }
    }, TICK_MS);
  });
}
