// duplicated to the user: shown to the application more than once, i.e. after the client's
// dedupe. Blamed on the window in which the second showing happened.
import { isDuplicatedToUser, isShown } from "../../record/message-predicates.ts";
import { blameRedeliveryAt } from "../fault-windows.ts";
import { failWhenFlagged, scan, type MessageChecker } from "./message-checker.ts";

export const duplicatedToUserChecker: MessageChecker = {
  name: "duplicated-to-user",
  check({ records, windows }) {
    const { checked, flagged } = scan(records, isShown, (r) => (isDuplicatedToUser(r) ? blameRedeliveryAt(windows, r.shownAt[1]) : null));
    return failWhenFlagged(checked, flagged, { means: "shown to the application twice or more (after the client's dedupe)" });
  },
};
