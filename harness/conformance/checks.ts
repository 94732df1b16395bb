// The fixed list of conformance checks, in the order they run and are reported.
import type { ConformanceCheck } from "./check.ts";
import { challengeOnConnect, loginBadSignature, loginValidSignature } from "./checks-auth.ts";
import { malformedFrame, oversizeBody, oversizeFrame, pingPong } from "./checks-frames.ts";
import { healthzEveryListener, metricsOptional } from "./checks-http.ts";
import { ackRemovesOnlyThat, deliverOnline, deliverStored, sendSentAck } from "./checks-messages.ts";
import { fetchNeverPublished, prekeysOneTimeOnce } from "./checks-prekeys.ts";

export const CONFORMANCE_CHECKS: readonly ConformanceCheck[] = [
  healthzEveryListener,
  challengeOnConnect,
  loginValidSignature,
  loginBadSignature,
  pingPong,
  malformedFrame,
  sendSentAck,
  deliverOnline,
  deliverStored,
  ackRemovesOnlyThat,
  prekeysOneTimeOnce,
  fetchNeverPublished,
  oversizeBody,
  oversizeFrame,
  metricsOptional,
];
