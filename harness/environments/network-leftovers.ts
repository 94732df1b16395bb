// The end-of-run check (after the heals, on Ctrl-C too): Toxiproxy itself is asked whether any
// toxic is left or any path disabled. Whatever is found is reported by path and toxic name, then
// the network is reset and asked again.
import type { NetworkControl, PathState } from "./network-control.ts";

/** One line per toxic left and per disabled path ("direct-a: toxic t0-latency-downstream (latency, downstream)", "proxy-1: disabled"); empty when clean. */
export function describeLeftovers(states: readonly PathState[]): string[] {
  return states.flatMap((s) => [
    ...(s.enabled ? [] : [`${s.path}: disabled`]),
    ...s.toxics.map((t) => `${s.path}: toxic ${t.name} (${t.type}, ${t.stream})`),
  ]);
}

export async function networkLeftovers(network: NetworkControl): Promise<string[]> {
  return describeLeftovers(await network.inForce());
}

/**
 * Asks what is left; when anything is, logs it, resets the network and checks again. Never throws
 * (it runs in `finally`): a failure is logged. Returns what was left before the reset.
 */
export async function restoreNetwork(network: NetworkControl, log: (line: string) => void): Promise<string[]> {
  try {
    const left = await networkLeftovers(network);
    if (left.length === 0) return [];
    log(`after the heals Toxiproxy still held: ${left.join("; ")}; resetting the network`);
    await network.reset();
    const still = await networkLeftovers(network);
    if (still.length) log(`after the reset Toxiproxy still holds: ${still.join("; ")}`);
    return left;
  } catch (error) {
    log(`checking the network after the heals failed: ${(error as Error).message}; resetting it`);
    await network.reset().catch((e: Error) => log(`resetting the network failed: ${e.message}`));
    return [];
  }
}
