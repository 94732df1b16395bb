// Users sign in one after another, not in one burst: each imports its keys and connects at its
// turn, evenly over the ramp (the first half of the warm-up; a population too big for that signs
// in at SIGN_IN_PER_S, scenario-settings.ts). A user whose keys do not import is recorded as a
// failed connection. A user signed in after the VU stopped is kept but not started.
import { recordEvent } from "./client-events.ts";
import type { PopulationView } from "./conversation-scenario.ts";
import { SimulatedUser, type UserContext } from "./simulated-user.ts";

export class SignInRamp {
  /** the users signed in so far, in the order they did */
  readonly users: SimulatedUser[] = [];
  private stopped = false;

  constructor(indices: number[], population: Pick<PopulationView, "member">, ctx: UserContext, rampMs: number) {
    indices.forEach((index, i) => setTimeout(() => {
      SimulatedUser.create(population.member(index), ctx).then((user) => {
        this.users.push(user);
        if (!this.stopped) user.driver.start();
      }, (e) => recordEvent({ ev: "conn", user: index, kind: "failed", ep: "", t: Date.now(), reason: `keys did not import: ${String(e)}` }));
    }, (rampMs * i) / indices.length));
  }

  /** No user signed in from now on is started. */
  stop(): void {
    this.stopped = true;
  }
}
