// Runs the scenarios of the short outage suite that both environments must agree on (a relay
// restart and crash, an IP block through the proxies) on containers. The suite and the properties are
// in ../support/outage-short-suite.ts; the rest of the suite runs on local processes only.
import { describeWhatEveryEnvironmentShows } from "../support/outage-short-suite.ts";

describeWhatEveryEnvironmentShows("containers");
