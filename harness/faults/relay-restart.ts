// relay-restart: graceful restart under load (SIGTERM: stop accepting, flush, going-away; then start).
import type { FaultKind } from "./fault-kind.ts";

export const relayRestart: FaultKind = {
  kind: "relay-restart",
  summary: "restart the relay gracefully (SIGTERM, wait for exit, start)",
  targets: "relay",
  envelope: [],
  blocksPaths: false,
  recoveryFrom: "heal",
  params: {},
  inject: (ctx) => ctx.env.relay.restart(),
  heal: (ctx) => ctx.env.relay.start(),
};
