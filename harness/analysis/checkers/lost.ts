// lost: acknowledged by the relay (stored durably), never delivered by the end of the drain, and
// not a decrypt failure (that arrived: see corrupted). Blamed on the window it was sent in.
import { isAcked, isLostAfterAck } from "../../record/message-predicates.ts";
import { blameAt } from "../fault-windows.ts";
import { failWhenFlagged, type Flagged, type MessageChecker } from "./message-checker.ts";

export const lostChecker: MessageChecker = {
  name: "lost",
  check({ records, windows }) {
    const flagged: Flagged[] = [];
    let checked = 0;
    for (const r of records) {
      if (!isAcked(r)) continue;
      checked++;
      if (isLostAfterAck(r)) flagged.push({ id: r.id, fault: blameAt(windows, r.sentAt) });
    }
    return failWhenFlagged(checked, flagged, { means: "acknowledged by the relay, never delivered by the end of the drain" });
  },
};
