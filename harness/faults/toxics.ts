// A network fault on each of its paths at once (Promise.all, not one path after another), through
// the environment's network control: a toxic per path and direction, removed by the same names.
import type { ToxicStream, ToxicType } from "../environments/network-control.ts";
import type { FaultContext } from "./fault-kind.ts";

const BOTH_STREAMS: readonly ToxicStream[] = ["upstream", "downstream"];

function streams(ctx: FaultContext<unknown>): readonly ToxicStream[] {
  return ctx.direction === "both" ? BOTH_STREAMS : [ctx.direction];
}

const toxicName = (ctx: FaultContext<unknown>, stream: ToxicStream) => `${ctx.name}-${stream}`;

/**
 * Runs `act` on every path concurrently and tells the context when each path is done; every path
 * is tried even when one fails, and the error then names each path that failed.
 */
export async function onEachPath(ctx: FaultContext<unknown>, act: (path: string) => Promise<unknown>): Promise<void> {
  const results = await Promise.allSettled(ctx.paths.map(async (path) => {
    await act(path);
    ctx.onPathApplied?.(path);
  }));
  const failed = results.flatMap((r, i) => (r.status === "rejected" ? [`${ctx.paths[i]}: ${(r.reason as Error).message}`] : []));
  if (failed.length) throw new Error(failed.join("; "));
}

/** The fault's toxic on one path, in the directions the entry asks for. */
export async function addToxicOn(ctx: FaultContext<unknown>, path: string, type: ToxicType, attributes: Record<string, number>): Promise<void> {
  await Promise.all(streams(ctx).map((stream) => ctx.env.network.addToxic(path, { name: toxicName(ctx, stream), type, stream, toxicity: ctx.toxicity, attributes })));
}

/** Removes what addToxicOn added on one path (both directions: heals are idempotent, whatever was added). */
export async function removeToxicFrom(ctx: FaultContext<unknown>, path: string): Promise<void> {
  await Promise.all(BOTH_STREAMS.map((stream) => ctx.env.network.removeToxic(path, toxicName(ctx, stream))));
}

export const addToxic = (ctx: FaultContext<unknown>, type: ToxicType, attributes: Record<string, number>): Promise<void> =>
  onEachPath(ctx, (path) => addToxicOn(ctx, path, type, attributes));

export const removeToxic = (ctx: FaultContext<unknown>): Promise<void> => onEachPath(ctx, (path) => removeToxicFrom(ctx, path));
