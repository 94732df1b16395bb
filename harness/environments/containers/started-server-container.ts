// What the relay-* faults and the samplers do to a server under test that runs as a container (the
// relay's or an XMPP server's), whichever image it is: SIGKILL, SIGTERM with a grace, pause and
// unpause, and its CPU and memory from the engine. The container stays after a kill or terminate,
// with its data: Testcontainers' restart() starts it again.
import { AbstractStartedContainer } from "testcontainers";
import type { ServerUsage } from "../environment.ts";
import { containerUsage, killContainer, pauseContainer, stopContainer, unpauseContainer } from "./engine-container.ts";

/** SIGTERM's grace before SIGKILL, seconds */
const TERMINATE_GRACE_S = 10;

export abstract class StartedServerContainer extends AbstractStartedContainer {
  /** SIGKILL (kill -9): no flush, no goodbye. */
  async kill(): Promise<void> {
    await killContainer(this.getId());
  }

  /** SIGTERM, SIGKILL after 10 s: the server shuts down as it does. */
  async terminate(): Promise<void> {
    await stopContainer(this.getId(), TERMINATE_GRACE_S);
  }

  /** Freezes every process of the server (it stops answering without closing sockets). */
  async pause(): Promise<void> {
    await pauseContainer(this.getId());
  }

  async unpause(): Promise<void> {
    await unpauseContainer(this.getId());
  }

  /** CPU seconds since this start of the container and its memory, from the engine's stats; null when stopped */
  usage(): Promise<ServerUsage | null> {
    return containerUsage(this.getId());
  }
}
