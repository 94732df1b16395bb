// The existing users' side of the surge: a contact that gets a newcomer's first message learns the
// newcomer's user id from it and answers once (tag "answer"), over the session the newcomer's
// X3DH message just set up.
import type { LoadPlugin } from "../run-users.ts";
import { isFirstMessage } from "./first-message.ts";

/** `userIds`: the population's ids as the VU's users see them (the array the users were given), extended with each newcomer's */
export function answerNewcomers(userIds: string[]): LoadPlugin {
  return {
    onMessage: (user, _from, content) => {
      if (!isFirstMessage(content)) return;
      userIds[content.newcomer.index] = content.newcomer.userId;
      user.compose(content.newcomer.index, { tag: "answer" });
    },
  };
}
