// XEP-0198 stream resumption after a blackholed path, the k6 XMPP driver against both real servers.
// Bob is the k6 client (test/k6/xmpp-resume.k6.ts), reaching the server through a real
// toxiproxy-server and, behind it, a frame-recording WebSocket hop (so the frames are those the
// server got and sent, including what the blackhole swallowed); Alice is a Node client on a direct
// connection. The path is blackholed as the harness's blackhole fault does it (a `timeout` toxic,
// timeout 0, both ways: TCP stays up, no byte passes) until the driver has declared the connection
// dead and a reconnection has failed through it; then healed.
// - resumable: Bob sends <resume previd h/> with h = the stanzas he had handled, the server answers
//   <resumed/>, Alice's messages from the dark time arrive once each, Bob's messages (also those
//   sent into the blackhole) are acknowledged and delivered once each, and the resumed connection
//   neither binds nor enables again (it authenticates: XEP-0198 resumes only authenticated streams).
// - not resumable (the server was restarted meanwhile and forgot the session): <failed/>, a fresh
//   bind, and the messages Alice left meanwhile arrive from offline storage with <delay/>, once each.
//   What a server does with the message it held unacknowledged when it stopped differs: see
//   LOST_IN_RESTART. XMPP_RESUME_FRAMES=1 prints every frame of each case.
import { describe, expect, it } from "vitest";
import { envelopeMessage, NS } from "../../harness/protocol/xmpp/stanzas.ts";
import { childOf } from "../../harness/protocol/xmpp/xml.ts";
import { XMPP_SERVERS, type XmppServerKind } from "../../harness/targets/xmpp/xmpp-server-kind.ts";
import { AFTER, finish, LINK, Peer, startResumeCase, WAIT_MS, waitUntil } from "../support/xmpp-resume-case.ts";
import { afterStreamManagement, available, connectionsOf, countedIn, framesOf, idsCoveredByServer, messageIds, parsed } from "../support/xmpp-stream-frames.ts";

/**
 * Findings, asserted as observed so that a change shows: the messages a server loses when it is
 * stopped (SIGTERM) while it holds them unacknowledged for a session whose connection is silently
 * dead. ejabberd 23.01 (mod_stream_mgmt, resend_on_timeout: if_offline) neither stores nor bounces
 * d1; Prosody 0.12.3 stores it offline (mod_smacks) and delivers it after the restart with <delay/>.
 */
const LOST_IN_RESTART: Record<XmppServerKind, string[]> = { prosody: [], ejabberd: ["d1"] };

const count = (ids: string[]) => ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());
const duplicates = (ids: string[]) => [...count(ids)].filter(([, n]) => n > 1).map(([id, n]) => `${id} x${n}`);
const sorted = (ids: string[]) => [...ids].sort();

describe.each(XMPP_SERVERS)("XEP-0198 resumption after a blackholed path, the k6 driver against %s", (kind) => {
  it("resumes the stream: <resume h/> = stanzas handled, <resumed/>, no message lost or duplicated either way, no new bind", async (ctx) => {
    const setup = await startResumeCase(kind, ctx, 45_000, ["p1", "p2"]);
    // Bob handled p2 and told the server so; and some of his messages were acknowledged
    const { toxiproxy, peer, bob, k6, frames, bobJid, timings, mark, dump } = setup;
    try {
      await toxiproxy.blackhole();
      const blackholedAt = Date.now();
      mark("blackhole on");
      peer.send(envelopeMessage("d1", bobJid, "QUJD"));
      peer.send(envelopeMessage("d2", bobJid, "QUJD"));
      await waitUntil("the driver declaring the connection dead", () => k6.events().some((e) => e.startsWith("dropped")), WAIT_MS, dump);
      mark("driver: dropped");
      peer.send(envelopeMessage("d3", bobJid, "QUJD"));
      await waitUntil("a reconnection failing through the blackhole", () => k6.events().some((e) => e.startsWith("failed")), WAIT_MS, dump);
      mark("driver: a reconnection failed");
      peer.send(envelopeMessage("d4", bobJid, "QUJD"));
      await peer.barrier();
      await toxiproxy.heal();
      const healedAt = Date.now();
      mark("healed");

      const answer = await waitUntil("<resumed/> or <failed/> on a new connection", () => frames.find((f) => f.connection > 1 && f.from === "server" && /^(resumed|failed)$/.test(parsed(f)?.localName ?? "")), WAIT_MS, dump);
      mark(`server: <${parsed(answer)!.localName}/>`);
      peer.send(envelopeMessage("end", bobJid, "QUJD"));
      const result = await finish(setup);
      mark("k6 done");
      await peer.barrier();
      const report = `${timings.join(", ")}\nk6 result: ${JSON.stringify(result)}\n${dump()}`;
      process.stderr.write(`[${kind}] resumable: ${timings.join(", ")}\n${process.env.XMPP_RESUME_FRAMES ? `${report}\n` : ""}`);

      // the path was dark longer than the liveness limit
      expect(healedAt - blackholedAt, report).toBeGreaterThan(LINK.silenceTimeoutMs);
      expect(result.timedOut, report).toBe(false);
      expect(result.refused, report).toEqual([]);
      expect(result.events.filter((e) => e.startsWith("dropped")), report).toHaveLength(1);

      // the connections that carried XMPP: the first, and the resumed one
      const resumed = answer.connection;
      expect(connectionsOf(frames), report).toEqual([1, resumed]);
      const enabled = parsed(framesOf(frames, 1, "server").find((f) => parsed(f)?.localName === "enabled")!)!;
      expect(enabled.attrs.resume, report).toMatch(/^(true|1)$/);
      // what reached Bob before the blackhole: the counted stanzas the server sent before it
      const c1 = afterStreamManagement(frames, 1);
      const handledBefore = countedIn(c1.filter((f) => f.from === "server" && f.t < blackholedAt)).length;
      const clientStanzasOnC1 = countedIn(c1.filter((f) => f.from === "client")).length;

      const c2Client = framesOf(frames, resumed, "client").map((f) => parsed(f)!);
      const resume = c2Client.find((e) => e.localName === "resume");
      expect(resume, report).toBeDefined();
      expect(resume!.attrs.previd, report).toBe(enabled.attrs.id);
      expect(Number(resume!.attrs.h), `<resume h/> = the stanzas Bob had handled\n${report}`).toBe(handledBefore);
      const answered = parsed(answer)!;
      expect(answered.localName, `the server answered <resume/> with ${answer.text}\n${report}`).toBe("resumed");
      expect(Number(answered.attrs.h), `<resumed h/> = Bob's stanzas the server got on the first connection\n${report}`).toBe(clientStanzasOnC1);
      // the resumed connection authenticates (XEP-0198 5: <resume/> needs an authenticated stream) but neither binds, enables nor announces presence again
      expect(c2Client.map((e) => e.localName).slice(0, 4), report).toEqual(["open", "auth", "open", "resume"]);
      expect(c2Client.filter((e) => e.localName === "auth"), report).toHaveLength(1);
      expect(c2Client.filter((e) => e.localName === "enable" || e.localName === "presence" || (e.localName === "iq" && childOf(e, "bind", NS.bind))), report).toEqual([]);
      expect(framesOf(frames, resumed, "server").some((f) => parsed(f)?.localName === "enabled"), report).toBe(false);

      // Alice's messages: each once at Bob, those of the dark time resent by the server on the resumed stream
      expect(duplicates(result.received), report).toEqual([]);
      expect(sorted(result.received), report).toEqual(sorted(["p1", "p2", "d1", "d2", "d3", "d4", "end"]));
      expect(messageIds(afterStreamManagement(frames, resumed).filter((f) => f.from === "server")).filter((id) => id.startsWith("d")), report).toEqual(["d1", "d2", "d3", "d4"]);

      // Bob's messages: some went into the blackhole; all were acknowledged once and delivered once
      const reachedOnC1 = messageIds(framesOf(frames, 1, "client"));
      const intoTheBlackhole = result.transmitted.filter((t) => t.endsWith("@1")).map((t) => t.slice(0, -2)).filter((id) => !reachedOnC1.includes(id));
      expect(intoTheBlackhole.length, `some of Bob's messages were sent into the blackhole\n${report}`).toBeGreaterThan(0);
      expect(messageIds(framesOf(frames, resumed, "client")).filter((id) => intoTheBlackhole.includes(id)), report).toEqual(intoTheBlackhole);
      expect(result.composed.filter((id) => id.startsWith("a")), report).toEqual(Array.from({ length: AFTER }, (_, i) => `a${i + 1}`));
      expect(duplicates(result.accepted), report).toEqual([]);
      expect(sorted(result.accepted), report).toEqual(sorted(result.composed));
      expect(result.accepted, `acknowledged = covered by the server's <a h/>/<resumed h/>\n${report}`).toEqual(idsCoveredByServer(frames, (f) => f.connection === 1 && f.t >= blackholedAt));
      const atAlice = peer.messagesFrom(bob.userId);
      expect(duplicates(atAlice), report).toEqual([]);
      expect(sorted(atAlice), report).toEqual(sorted(result.composed));
    } finally {
      await setup.cleanup();
    }
  }, 90_000);

  it("cannot resume a stream the restarted server forgot: <failed/>, a fresh bind, Alice's messages from offline storage with <delay/>, each once", async (ctx) => {
    const setup = await startResumeCase(kind, ctx, 60_000, ["p1"]);
    const { toxiproxy, bob, alice, k6, frames, bobJid, timings, mark, dump } = setup;
    let peer = setup.peer;
    try {
      await toxiproxy.blackhole();
      const blackholedAt = Date.now();
      mark("blackhole on");
      // sent to the session the server still believes in; the blackhole swallows it
      peer.send(envelopeMessage("d1", bobJid, "QUJD"));
      await peer.barrier();
      await waitUntil("the driver declaring the connection dead", () => k6.events().some((e) => e.startsWith("dropped")), WAIT_MS, dump);
      mark("driver: dropped");

      // the server restarts and forgets every session; the accounts and offline storage stay
      const connectionsBefore = connectionsOf(frames).length;
      await setup.server.server.stop();
      peer.close();
      await setup.server.server.start();
      mark("server restarted");
      peer = await Peer.login(setup.server.url, alice.localpart, alice.password);
      const offline = ["o1", "o2", "o3"];
      for (const id of offline) peer.send(envelopeMessage(id, bobJid, "QUJD"));
      await peer.barrier();
      await toxiproxy.heal();
      mark("healed");

      const answer = await waitUntil("<resumed/> or <failed/> on a new connection", () => frames.find((f) => f.connection > connectionsBefore && f.from === "server" && /^(resumed|failed)$/.test(parsed(f)?.localName ?? "")), WAIT_MS, dump);
      mark(`server: <${parsed(answer)!.localName}/>`);
      await waitUntil("the fresh login on the new connection (its presence echoed)", () => available(frames, answer.connection), WAIT_MS, dump);
      peer.send(envelopeMessage("end", bobJid, "QUJD"));
      const result = await finish(setup);
      mark("k6 done");
      await peer.barrier();
      const report = `${timings.join(", ")}\nk6 result: ${JSON.stringify(result)}\n${dump()}`;
      process.stderr.write(`[${kind}] not resumable: ${timings.join(", ")}\n${process.env.XMPP_RESUME_FRAMES ? `${report}\n` : ""}`);

      expect(result.timedOut, report).toBe(false);
      expect(result.refused, report).toEqual([]);
      expect(result.events.filter((e) => e === "ready"), report).toHaveLength(2);
      const enabled = parsed(framesOf(frames, 1, "server").find((f) => parsed(f)?.localName === "enabled")!)!;
      const last = answer.connection;
      const lastClient = framesOf(frames, last, "client").map((f) => parsed(f)!);
      const resume = lastClient.find((e) => e.localName === "resume");
      expect(resume?.attrs.previd, report).toBe(enabled.attrs.id);
      const c1 = afterStreamManagement(frames, 1);
      expect(Number(resume!.attrs.h), `<resume h/> = the stanzas Bob had handled\n${report}`).toBe(countedIn(c1.filter((f) => f.from === "server" && f.t < blackholedAt)).length);
      const failed = parsed(answer)!;
      expect(failed.localName, `the restarted server answered <resume/> with ${answer.text}\n${report}`).toBe("failed");
      expect(childOf(failed, "item-not-found"), report).toBeDefined();
      // an h on <failed/> (XEP-0198 1.6; Prosody keeps it across the restart) counts Bob's stanzas of the old stream
      if (failed.attrs.h !== undefined) expect(Number(failed.attrs.h), report).toBe(countedIn(c1.filter((f) => f.from === "client")).length);
      // then a fresh session on the same connection: bind, enable, presence
      const after = lastClient.slice(lastClient.indexOf(resume!) + 1);
      expect(after.slice(0, 3).map((e) => e.localName), report).toEqual(["iq", "enable", "presence"]);
      expect(childOf(after[0], "bind", NS.bind), report).toBeDefined();

      // Alice's messages left while Bob had no session: from offline storage, with <delay/>, each once
      const delivered = afterStreamManagement(frames, last).filter((f) => f.from === "server" && parsed(f)?.localName === "message");
      for (const id of offline) {
        const frame = delivered.find((f) => parsed(f)!.attrs.id === id);
        expect(frame, `${id} delivered on the new session\n${report}`).toBeDefined();
        expect(childOf(parsed(frame!)!, "delay", NS.delay), `${id} carries <delay/>\n${report}`).toBeDefined();
      }
      expect(duplicates(result.received), report).toEqual([]);
      for (const id of [...offline, "p1", "end"]) expect(result.received.filter((r) => r === id), `${id} at Bob\n${report}`).toHaveLength(1);
      // d1 went to the session the server still believed in, unacknowledged when the server stopped
      const lost = LOST_IN_RESTART[kind].includes("d1");
      if (lost) process.stderr.write(`[${kind}] FINDING (asserted as observed): d1, routed to Bob's live but unacknowledged session, is lost when ${kind} stops (SIGTERM); Alice got no error\n`);
      expect(result.received.filter((r) => r === "d1"), `d1 ${lost ? "lost (known finding, LOST_IN_RESTART)" : "from offline storage, once"}\n${report}`).toHaveLength(lost ? 0 : 1);
      if (!lost) expect(childOf(parsed(delivered.find((f) => parsed(f)!.attrs.id === "d1")!)!, "delay", NS.delay), report).toBeDefined();

      // Bob's messages: acknowledged once each (what the server's acknowledgements that reached him covered)
      expect(duplicates(result.accepted), report).toEqual([]);
      expect(sorted(result.accepted), report).toEqual(sorted(result.composed));
      expect(result.accepted, report).toEqual(idsCoveredByServer(frames, (f) => f.connection === 1 && f.t >= blackholedAt));
      const atAlice = [...setup.peer.messagesFrom(bob.userId), ...peer.messagesFrom(bob.userId)];
      expect(sorted([...new Set(atAlice)]), report).toEqual(sorted(result.composed));
      expect(duplicates(atAlice), report).toEqual([]);
    } finally {
      peer.close();
      await setup.cleanup();
    }
  }, 90_000);
});
