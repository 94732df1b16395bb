// redelivered on the wire: a message that arrived again and was dropped by the client's dedupe.
// An at-least-once relay does this after a reconnect, so it is reported, not a failure, unless the
// scenario promises at most once. Blamed on the window in which the first extra copy arrived
// (a redelivery after a restart is the restart's, whenever the message was sent).
import { isDelivered, wireRedeliveries } from "../../record/message-predicates.ts";
import { blameRedeliveryAt } from "../fault-windows.ts";
import { scan, type MessageChecker } from "./message-checker.ts";

export const redeliveredOnWireChecker: MessageChecker = {
  name: "redelivered-on-wire",
  check({ records, windows, atMostOnce }) {
    let copies = 0;
    const { checked, flagged } = scan(records, isDelivered, (r) => {
      const extra = wireRedeliveries(r);
      copies += extra;
      return extra === 0 ? null : blameRedeliveryAt(windows, r.redeliveredAt[0]);
    });
    const status = checked === 0 ? "unknown" : atMostOnce && flagged.length ? "fail" : "pass";
    return {
      status, checked, flagged,
      details: { means: "arrived again and dropped by the client's dedupe", copies, policy: atMostOnce ? "at most once: a redelivery fails" : "at least once: reported, not a failure" },
    };
  },
};
