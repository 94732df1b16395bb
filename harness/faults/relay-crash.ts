// relay-crash: SIGKILL the relay; it stays down for the entry's `for`, then starts on the same data.
import type { FaultKind } from "./fault-kind.ts";

export const relayCrash: FaultKind = {
  kind: "relay-crash",
  summary: "kill the relay with SIGKILL; heal starts it again on the same store",
  targets: "relay",
  envelope: [],
  blocksPaths: false,
  recoveryFrom: "inject",
  params: {},
  inject: (ctx) => ctx.env.relay.kill(),
  heal: (ctx) => ctx.env.relay.start(),
};
