// Runs the scenarios of the short outage suite that both environments must agree on (a relay
// restart and crash, an IP block through the proxies) on local processes. The suite and the
// properties are in ../support/outage-short-suite.ts.
import { describeWhatEveryEnvironmentShows } from "../support/outage-short-suite.ts";

describeWhatEveryEnvironmentShows("local");
