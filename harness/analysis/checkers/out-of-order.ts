// out of order: what the relay promises (fixtures/relay/PROTOCOL.md, "Ordering") is that one
// recipient gets the messages of one sender in the order they were stored, and the relay answers
// `sent` after storing, in store order. So per conversation (sender -> recipient), among the
// messages that were acknowledged and shown, the order of showing must follow the order of
// acknowledgement as the sender logged it. A message is flagged when a message of the same
// conversation acknowledged after it was shown before it (it was held back, or overtaken).
// Messages never acknowledged (their store order is unknown) and decrypt failures are not ordered.
// Blamed on the window in which the flagged message was shown.
import { blameAt } from "../fault-windows.ts";
import type { MessageRecord } from "../../record/message-records.ts";
import { failWhenFlagged, type Flagged, type MessageChecker } from "./message-checker.ts";

export const outOfOrderChecker: MessageChecker = {
  name: "out-of-order",
  check({ records, windows }) {
    const conversations = new Map<string, MessageRecord[]>();
    let checked = 0;
    for (const r of records) {
      if (r.ackOrder === null || r.shownOrder === null) continue;
      checked++;
      const key = `${r.from}>${r.to}`;
      const list = conversations.get(key);
      if (list) list.push(r);
      else conversations.set(key, [r]);
    }
    const flagged: Flagged[] = [];
    for (const list of conversations.values()) {
      // records are built in log order, so a conversation's list is nearly in ack order already
      list.sort((a, b) => a.ackOrder! - b.ackOrder!);
      let laterMin = Infinity;
      const late: boolean[] = new Array<boolean>(list.length);
      for (let i = list.length - 1; i >= 0; i--) {
        late[i] = list[i].shownOrder! > laterMin;
        laterMin = Math.min(laterMin, list[i].shownOrder!);
      }
      for (let i = 0; i < list.length; i++) if (late[i]) flagged.push({ id: list[i].id, fault: blameAt(windows, list[i].shownAt[0]) });
    }
    return failWhenFlagged(checked, flagged, {
      means: "shown after a message of the same conversation that the relay acknowledged later",
      conversations: conversations.size,
    });
  },
};
