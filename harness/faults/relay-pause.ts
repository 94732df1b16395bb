// relay-pause: freeze the relay (SIGSTOP / container pause): sockets stay open, nothing answers.
import { defineFaultKind } from "./fault-kind.ts";
import { NO_SETTINGS } from "./fault-settings.ts";

export const relayPause = defineFaultKind({
  kind: "relay-pause",
  summary: "freeze the relay process (SIGSTOP or container pause); heal thaws it",
  targets: "relay",
  envelope: [],
  blocksPaths: false,
  recoveryFrom: "heal",
  params: NO_SETTINGS,
  inject: (ctx) => ctx.env.relay.pause(),
  heal: (ctx) => ctx.env.relay.resume(),
});
