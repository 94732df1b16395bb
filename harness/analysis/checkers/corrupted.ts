// corrupted or forged: arrived, but failed to decrypt or authenticate (AES-GCM with the sender,
// recipient, id, session and counter bound as associated data). Never counted as lost. In crypto
// Blamed on the window it was sent in. In crypto mode "opaque" nothing is encrypted, so corruption cannot be seen: unknown, never pass.
import { isCorrupted, isDelivered } from "../../record/message-predicates.ts";
import { blameAt } from "../fault-windows.ts";
import { failWhenFlagged, scan, type MessageChecker } from "./message-checker.ts";

export const corruptedChecker: MessageChecker = {
  name: "corrupted",
  check({ records, windows, cryptoMode }) {
    if (cryptoMode === "opaque") return { status: "unknown", checked: 0, flagged: [], details: { notApplicable: "crypto mode opaque: bodies are random bytes, nothing authenticates them" } };
    const { checked, flagged } = scan(records, (r) => isDelivered(r) || isCorrupted(r), (r) => (isCorrupted(r) ? blameAt(windows, r.sentAt) : null));
    return failWhenFlagged(checked, flagged, { means: "arrived but failed to decrypt or authenticate" });
  },
};
