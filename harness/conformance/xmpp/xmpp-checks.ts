// The fixed list of XMPP conformance checks, in the order they run and are reported: what the
// scenarios and the harness rely on of an XMPP server (RFC 7395 WebSocket, SASL PLAIN, XEP-0077
// registration, resource binding, XEP-0198 acks and resumption, offline storage with XEP-0203
// <delay/>, acknowledged messages delivered once).
import type { ConformanceCheck } from "../check.ts";
import { ackedDeliveredOnce, offlineDeliveryDelay } from "./checks-delivery.ts";
import { registerInBand } from "./checks-register.ts";
import { saslPlainLogin, saslWrongPassword } from "./checks-sasl.ts";
import { bindFullJid, websocketOpen } from "./checks-stream.ts";
import { smEnableAck, smResumeAfterDrop, smServerAckRequest, wsControlAfterResume } from "./checks-stream-management.ts";
import type { XmppCheckContext } from "./xmpp-check-context.ts";

/** A check's deadline unless it names its own; each wait inside it is XMPP_WAIT_MS (3 s) and says what it awaited. */
export const XMPP_CHECK_TIMEOUT_MS = 10_000;

export const XMPP_CONFORMANCE_CHECKS: readonly ConformanceCheck<XmppCheckContext>[] = [
  websocketOpen,
  saslPlainLogin,
  saslWrongPassword,
  registerInBand,
  bindFullJid,
  smEnableAck,
  smServerAckRequest,
  smResumeAfterDrop,
  wsControlAfterResume,
  offlineDeliveryDelay,
  ackedDeliveredOnce,
].map((check) => ({ ...check, timeoutMs: check.timeoutMs ?? XMPP_CHECK_TIMEOUT_MS }));
