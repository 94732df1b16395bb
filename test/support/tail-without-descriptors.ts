// Follows a k6 console file with ClientEventTail, then takes every free file descriptor (as the
// proxies' taps do when thousands of users fail over to them): `node --import tsx
// tail-without-descriptors.ts <console file>` prints "full" once none is left, then each record's
// message id as the tail reads it.
import { openSync } from "node:fs";
import { ClientEventTail } from "../../harness/record/client-event-tail.ts";

const tail = new ClientEventTail(process.argv[2], (event) => "id" in event && console.log(event.id));
tail.poll();
tail.start(50);
const held: number[] = [];
try {
  for (;;) held.push(openSync("/dev/null", "r"));
} catch (error) {
  console.log(`full (${(error as NodeJS.ErrnoException).code})`);
}
