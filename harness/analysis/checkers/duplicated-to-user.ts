// duplicated to the user: shown to the application more than once, i.e. after the client's
// dedupe. Blamed on the window in which the second showing happened.
import { isDuplicatedToUser, isShown } from "../../record/message-predicates.ts";
import { blameRedeliveryAt } from "../fault-windows.ts";
import { failWhenFlagged, type Flagged, type MessageChecker } from "./message-checker.ts";

export const duplicatedToUserChecker: MessageChecker = {
  name: "duplicated-to-user",
  check({ records, windows }) {
    const flagged: Flagged[] = [];
    let checked = 0;
    for (const r of records) {
      if (!isShown(r)) continue;
      checked++;
      if (isDuplicatedToUser(r)) flagged.push({ id: r.id, fault: blameRedeliveryAt(windows, r.shownAt[1]) });
    }
    return failWhenFlagged(checked, flagged, { means: "shown to the application twice or more (after the client's dedupe)" });
  },
};
