// never acknowledged: sent (and retried after every reconnect) but the relay never said it stored
// it. Messages the relay refused for good with an error (e.g. a forward above the cap) are not
// counted: they were answered. Blamed on the window the message was sent in.
import { isNeverAcked } from "../../record/message-predicates.ts";
import { blameAt } from "../fault-windows.ts";
import { failWhenFlagged, type Flagged, type MessageChecker } from "./message-checker.ts";

export const neverAckedChecker: MessageChecker = {
  name: "never-acknowledged",
  check({ records, windows }) {
    const flagged: Flagged[] = [];
    let refused = 0;
    for (const r of records) {
      if (r.rejected !== null) refused++;
      else if (isNeverAcked(r)) flagged.push({ id: r.id, fault: blameAt(windows, r.sentAt) });
    }
    return failWhenFlagged(records.length - refused, flagged, { means: "sent and retried, never acknowledged by the end of the drain", refusedWithError: refused });
  },
};
