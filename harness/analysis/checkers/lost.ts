// lost: acknowledged by the relay (stored durably), never delivered by the end of the drain, and
// not a decrypt failure (that arrived: see corrupted). Blamed on the window it was sent in.
import { isAcked, isLostAfterAck } from "../../record/message-predicates.ts";
import { blameAt } from "../fault-windows.ts";
import { byRelayStatement, failWhenFlagged, scan, type MessageChecker } from "./message-checker.ts";

export const lostChecker: MessageChecker = {
  name: "lost",
  check(input) {
    const { checked, flagged } = scan(input.records, isAcked, (r) => (isLostAfterAck(r) ? blameAt(input.windows, r.sentAt) : null), input.relaySays);
    return failWhenFlagged(checked, flagged, { means: "acknowledged by the relay, never delivered by the end of the drain", relaySays: byRelayStatement(flagged, input) });
  },
};
