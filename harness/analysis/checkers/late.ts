// late: shown more than `lateMs` after it was sent. A fault is expected to delay messages, so a
// late message blamed on a fault (sent in its window, or still in flight when it began) is
// reported, and so is one sent during set-up (warm-up, sessions not yet up everywhere: blamed on
// "set-up"); one blamed on nothing fails the check.
import { isShown } from "../../record/message-predicates.ts";
import { blameSpan, NO_FAULT } from "../fault-windows.ts";
import { scan, type MessageChecker } from "./message-checker.ts";

export const SET_UP = "set-up";

export const lateChecker: MessageChecker = {
  name: "late",
  check({ records, windows, lateMs, setupEnd }) {
    let unexplained = 0;
    const { checked, flagged } = scan(records, isShown, (r) => {
      if (r.shownAt[0] - r.sentAt <= lateMs) return null;
      const blamed = blameSpan(windows, r.sentAt, r.shownAt[0]);
      const fault = blamed === NO_FAULT && r.sentAt < setupEnd ? SET_UP : blamed;
      if (fault === NO_FAULT) unexplained++;
      return fault;
    });
    const status = checked === 0 ? "unknown" : unexplained ? "fail" : "pass";
    return { status, checked, flagged, details: { means: `shown more than ${lateMs} ms after it was sent; a failure only when no fault explains it`, boundMs: lateMs, unexplained } };
  },
};
