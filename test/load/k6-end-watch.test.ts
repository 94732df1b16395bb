import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { describeOverrun, K6_END_SLACK_MS, watchK6End, type K6Overrun } from "../../harness/load/k6-end-watch.ts";

// a process holding a TCP connection (both its ends), as k6 holds the WebSockets a server never closed
const HOLDER = `const net = require("node:net");
const server = net.createServer(() => {}).listen(0, "127.0.0.1", () => {
  const client = net.connect(server.address().port, "127.0.0.1", () => process.stdout.write("ready\\n"));
});
setInterval(() => {}, 1000);`;

describe("the k6 end watch", () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterEach(() => children.forEach((c) => c.kill("SIGKILL")));

  async function holder(): Promise<number> {
    const child = spawn(process.execPath, ["-e", HOLDER], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
    await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
    return child.pid!;
  }

  it("reports a process still running past the scenario's end plus the slack, with the sockets it holds", async () => {
    const pid = await holder();
    const overrun = await new Promise<K6Overrun>((resolve) => watchK6End(pid, Date.now() - K6_END_SLACK_MS + 100, resolve));
    expect(overrun.afterEndMs).toBeGreaterThanOrEqual(K6_END_SLACK_MS);
    // both ends of the connection (the listening socket is not a connection)
    expect(overrun.openSockets).toBe(2);
    expect(describeOverrun(overrun)).toMatch(/^k6 was still running 60 s after the scenario's end, holding 2 open TCP connection\(s\), and was stopped: a k6 VU ends only once the server has answered every WebSocket close/);
  });

  it("says nothing once cancelled (k6 ended in time)", async () => {
    const pid = await holder();
    let called = false;
    const cancel = watchK6End(pid, Date.now() - K6_END_SLACK_MS + 200, () => (called = true));
    cancel();
    await new Promise((r) => setTimeout(r, 400));
    expect(called).toBe(false);
  });
});
