// A real XMPP server (Prosody or ejabberd from its Debian package) for a test, on two free ports.
// Missing: under CI=true the test fails naming the command that installs it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { TestContext } from "vitest";
import { freePort } from "../../harness/environments/local/free-port.ts";
import { LocalXmppServer } from "../../harness/targets/xmpp/local-xmpp-server.ts";
import { XMPP_SERVER_SPECS, type XmppServerKind } from "../../harness/targets/xmpp/xmpp-server-kind.ts";
import { requireCommand } from "./require-tool.ts";

export interface TestXmppServer {
  server: LocalXmppServer;
  /** the first listener's WebSocket URL */
  url: string;
  logDir: string;
  stop(): Promise<void>;
}

export async function startTestXmppServer(kind: XmppServerKind, ctx?: TestContext): Promise<TestXmppServer> {
  await requireCommand(basename(XMPP_SERVER_SPECS[kind].launcher), XMPP_SERVER_SPECS[kind].debianPackage, ctx);
  const dataDir = mkdtempSync(join(tmpdir(), `test-${kind}-data-`));
  const logDir = mkdtempSync(join(tmpdir(), `test-${kind}-log-`));
  const server = new LocalXmppServer({ kind, ports: [await freePort(), await freePort()], dataDir, logDir, domain: "localhost" });
  await server.start();
  return { server, url: server.urls[0], logDir, stop: () => server.stop() };
}
