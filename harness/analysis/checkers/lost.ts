// lost: acknowledged by the relay (stored durably), never delivered by the end of the drain, and
// not a decrypt failure (that arrived: see corrupted). Blamed on the window it was sent in. A
// message acknowledged after its recipient had ended its session for good (a surge newcomer past
// its end, never connected again) cannot be delivered within the run: not lost, named in
// details.recipientLeft.
import { isAcked, isAckedAfterRecipientLeft, isLostAfterAck } from "../../record/message-predicates.ts";
import { blameAt } from "../fault-windows.ts";
import { byRelayStatement, failWhenFlagged, namedApart, scan, type MessageChecker } from "./message-checker.ts";

export const lostChecker: MessageChecker = {
  name: "lost",
  check(input) {
    const left = input.leftForGood ?? new Map<number, number>();
    const recipientLeft: string[] = [];
    const { checked, flagged } = scan(input.records, isAcked, (r) => {
      if (!isLostAfterAck(r)) return null;
      if (!isAckedAfterRecipientLeft(r, left)) return blameAt(input.windows, r.sentAt);
      recipientLeft.push(r.id);
      return null;
    }, input.relaySays);
    return failWhenFlagged(checked, flagged, {
      means: "acknowledged by the relay, never delivered by the end of the drain",
      recipientLeft: namedApart(recipientLeft, "acknowledged after the recipient had ended its session for good (a newcomer past its end, no later connection): kept for a user that never connects again, not lost"),
      relaySays: byRelayStatement(flagged, input),
    });
  },
};
