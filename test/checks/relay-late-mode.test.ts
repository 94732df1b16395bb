// The relay's late mode for real (../support/relay-fault-mode-suite.ts): it holds every 15th message
// 1.5 s against a late bound of 1 s, and the late checker must flag every held message and no other.
// It runs with the files that need an unloaded machine: with other runs beside it, the first
// messages of a 2-core machine's sign-in burst take longer than 1 s on their own, and are rightly late.
import { describeFaultModeRuns } from "../support/relay-fault-mode-suite.ts";

describeFaultModeRuns(["late"]);
