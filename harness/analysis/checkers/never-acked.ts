// never acknowledged: sent (and retried after every reconnect) but the relay never said it stored
// it. Messages the relay refused for good with an error (e.g. a forward above the cap) are not
// counted: they were answered. Nor is one whose sender ended its session for good (a surge
// newcomer at its end, never connected again) within `lateMs` of sending it: it closed before an
// acknowledgement could reasonably reach it (details.senderLeft). Blamed on the window the message
// was sent in.
import { isNeverAcked, isUnackedAfterSenderLeft } from "../../record/message-predicates.ts";
import { blameAt } from "../fault-windows.ts";
import { byRelayStatement, failWhenFlagged, namedApart, scan, type MessageChecker } from "./message-checker.ts";

export const neverAckedChecker: MessageChecker = {
  name: "never-acknowledged",
  check(input) {
    const { records, lateMs } = input;
    const left = input.leftForGood ?? new Map<number, number>();
    const senderLeft: string[] = [];
    const { checked, flagged } = scan(records, (r) => r.rejected === null, (r) => {
      if (!isNeverAcked(r)) return null;
      if (!isUnackedAfterSenderLeft(r, left, lateMs)) return blameAt(input.windows, r.sentAt);
      senderLeft.push(r.id);
      return null;
    }, input.relaySays);
    return failWhenFlagged(checked, flagged, {
      means: "sent and retried, never acknowledged by the end of the drain",
      refusedWithError: records.length - checked,
      senderLeft: namedApart(senderLeft, `its sender ended its session for good (a newcomer at its end, no later connection) within ${lateMs} ms of sending it, before an acknowledgement could reach it: not counted`),
      relaySays: byRelayStatement(flagged, input),
    });
  },
};
