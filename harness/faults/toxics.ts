// Adding and removing Toxiproxy toxics on several proxies, in one or both directions.
import type { ToxicType } from "toxiproxy-node-client";
import type { FaultContext } from "./fault-kind.ts";

function streams(ctx: FaultContext): ("upstream" | "downstream")[] {
  return ctx.direction === "both" ? ["upstream", "downstream"] : [ctx.direction];
}

export async function addToxic(ctx: FaultContext, type: ToxicType, attributes: Record<string, number>): Promise<void> {
  for (const path of ctx.paths) {
    const proxy = await ctx.env.toxiproxyFor(path).get(path);
    for (const stream of streams(ctx)) {
      await proxy.addToxic({ name: `${ctx.name}-${stream}`, type, stream: stream as never, toxicity: ctx.toxicity, attributes });
    }
  }
}

/** Removes the toxics `addToxic` made; toxics already gone are fine. */
export async function removeToxic(ctx: FaultContext): Promise<void> {
  for (const path of ctx.paths) {
    for (const stream of ["upstream", "downstream"]) {
      const response = await fetch(`${ctx.env.toxiproxyFor(path).host}/proxies/${encodeURIComponent(path)}/toxics/${encodeURIComponent(`${ctx.name}-${stream}`)}`, { method: "DELETE" });
      if (!response.ok && response.status !== 404) throw new Error(`removing toxic ${ctx.name}-${stream} from ${path}: HTTP ${response.status}`);
    }
  }
}

export async function setEnabled(ctx: FaultContext, enabled: boolean): Promise<void> {
  for (const path of ctx.paths) {
    const proxy = await ctx.env.toxiproxyFor(path).get(path);
    await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
  }
}
