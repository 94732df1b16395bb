// What a newcomer's first message says: an ordinary message (the canary, its send time) plus who
// wrote it, so the contact, which has never heard of the newcomer, can answer.
import type { MessageContent } from "../simulated-user.ts";

export interface FirstMessage extends MessageContent {
  newcomer: { index: number; userId: string };
}

export function isFirstMessage(content: MessageContent): content is FirstMessage {
  const n = (content as Partial<FirstMessage>).newcomer;
  return !!n && typeof n.index === "number" && typeof n.userId === "string";
}
