// DriverEvents for the k6 test scripts: every event ignored except those a test listens to.
import type { DriverEvents } from "../../scenarios/lib/drivers/server-driver.ts";

export function driverEvents(listen: Partial<DriverEvents>): DriverEvents {
  const ignore = () => undefined;
  return { ready: ignore, accepted: ignore, delivered: ignore, prekeysPublished: ignore, bundle: ignore, refused: ignore, connection: ignore, ...listen };
}
