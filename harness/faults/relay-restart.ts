// relay-restart: graceful restart under load. The inject stops the relay (SIGTERM: stop accepting,
// flush, going-away; wait for the exit); the heal starts it on the same store, after the entry's
// `for` (0 s: at once). The fault's window is then exactly the time the relay was down.
import { defineFaultKind } from "./fault-kind.ts";
import { NO_SETTINGS } from "./fault-settings.ts";

export const relayRestart = defineFaultKind({
  kind: "relay-restart",
  summary: "stop the relay gracefully (SIGTERM, wait for its exit); heal starts it again on the same store",
  targets: "relay",
  envelope: [],
  blocksPaths: false,
  recoveryFrom: "heal",
  params: NO_SETTINGS,
  inject: (ctx) => ctx.env.relay.terminate(),
  heal: (ctx) => ctx.env.relay.start(),
});
