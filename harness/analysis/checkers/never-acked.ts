// never acknowledged: sent (and retried after every reconnect) but the relay never said it stored
// it. Messages the relay refused for good with an error (e.g. a forward above the cap) are not
// counted: they were answered. Blamed on the window the message was sent in.
import { isNeverAcked } from "../../record/message-predicates.ts";
import { blameAt } from "../fault-windows.ts";
import { byRelayStatement, failWhenFlagged, scan, type MessageChecker } from "./message-checker.ts";

export const neverAckedChecker: MessageChecker = {
  name: "never-acknowledged",
  check(input) {
    const { records } = input;
    const { checked, flagged } = scan(records, (r) => r.rejected === null, (r) => (isNeverAcked(r) ? blameAt(input.windows, r.sentAt) : null), input.relaySays);
    return failWhenFlagged(checked, flagged, { means: "sent and retried, never acknowledged by the end of the drain", refusedWithError: records.length - checked, relaySays: byRelayStatement(flagged, input) });
  },
};
