// late: shown more than `lateMs` after it was sent. A fault is expected to delay messages, so a
// late message blamed on a fault (sent in its window, or still in flight when it began) is
// reported; one blamed on no fault fails the check.
import { isShown } from "../../record/message-predicates.ts";
import { blameSpan, NO_FAULT } from "../fault-windows.ts";
import type { Flagged, MessageChecker } from "./message-checker.ts";

export const lateChecker: MessageChecker = {
  name: "late",
  check({ records, windows, lateMs }) {
    const flagged: Flagged[] = [];
    let checked = 0;
    let unexplained = 0;
    for (const r of records) {
      if (!isShown(r)) continue;
      checked++;
      if (r.shownAt[0] - r.sentAt <= lateMs) continue;
      const fault = blameSpan(windows, r.sentAt, r.shownAt[0]);
      if (fault === NO_FAULT) unexplained++;
      flagged.push({ id: r.id, fault });
    }
    const status = checked === 0 ? "unknown" : unexplained ? "fail" : "pass";
    return { status, checked, flagged, details: { means: `shown more than ${lateMs} ms after it was sent; a failure only when no fault explains it`, boundMs: lateMs, unexplained } };
  },
};
