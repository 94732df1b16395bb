// relay-pause: freeze the relay (SIGSTOP / container pause): sockets stay open, nothing answers.
import type { FaultKind } from "./fault-kind.ts";

export const relayPause: FaultKind = {
  kind: "relay-pause",
  summary: "freeze the relay process (SIGSTOP or container pause); heal thaws it",
  targets: "relay",
  envelope: [],
  blocksPaths: false,
  recoveryFrom: "heal",
  params: {},
  inject: (ctx) => ctx.env.relay.pause(),
  heal: (ctx) => ctx.env.relay.resume(),
};
