// lost: acknowledged by the relay (stored durably), never delivered by the end of the drain, and
// not a decrypt failure (that arrived: see corrupted). Blamed on the window it was sent in.
import { isAcked, isLostAfterAck } from "../../record/message-predicates.ts";
import { blameAt } from "../fault-windows.ts";
import { failWhenFlagged, scan, type MessageChecker } from "./message-checker.ts";

export const lostChecker: MessageChecker = {
  name: "lost",
  check({ records, windows }) {
    const { checked, flagged } = scan(records, isAcked, (r) => (isLostAfterAck(r) ? blameAt(windows, r.sentAt) : null));
    return failWhenFlagged(checked, flagged, { means: "acknowledged by the relay, never delivered by the end of the drain" });
  },
};
