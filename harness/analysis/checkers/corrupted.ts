// corrupted or forged: arrived but failed to decrypt or authenticate (AES-GCM with the sender,
// recipient, id, session and counter bound as associated data), or a later copy arrived with other
// bytes than the copy shown (each copy's body digest, compared whatever the client's dedupe did with
// it). Never counted as lost. A decrypt failure is blamed on the window it was sent in, an altered
// copy on the window it arrived in (as a redelivery is). In crypto mode "opaque" nothing is
// encrypted: only an altered copy can be seen, so without one the verdict is unknown, never pass.
import { hasAlteredCopy, isCorrupted, isDelivered } from "../../record/message-predicates.ts";
import { blameAt, blameRedeliveryAt } from "../fault-windows.ts";
import { failWhenFlagged, scan, type MessageChecker } from "./message-checker.ts";

export const corruptedChecker: MessageChecker = {
  name: "corrupted",
  check({ records, windows, cryptoMode }) {
    let decryptFailed = 0;
    let alteredCopy = 0;
    const { checked, flagged } = scan(records, (r) => isDelivered(r) || isCorrupted(r), (r) => {
      if (isCorrupted(r)) {
        decryptFailed++;
        return blameAt(windows, r.sentAt);
      }
      if (!hasAlteredCopy(r)) return null;
      alteredCopy++;
      return blameRedeliveryAt(windows, r.alteredAt[0]);
    });
    const details = { means: "arrived but failed to decrypt or authenticate, or a copy arrived with other bytes than the copy shown", decryptFailed, alteredCopy };
    if (cryptoMode === "opaque" && flagged.length === 0) {
      return { status: "unknown", checked, flagged, details: { ...details, notApplicable: "crypto mode opaque: bodies are random bytes, nothing authenticates them (only a copy altered after the one shown can be seen; none was)" } };
    }
    return failWhenFlagged(checked, flagged, details);
  },
};
