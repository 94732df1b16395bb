// Chain letters ("forward this to 8 people"): during the storm, new chains start at a set rate;
// whoever receives one forwards it, with a set probability, to up to `fanout` contacts, once per
// chain. A relay with a forward cap refuses forwards to more recipients; the client then obeys
// the cap it was told.
import { recordEvent } from "./client-events.ts";
import type { LoadPlugin } from "./run-users.ts";
import { pick, seededRandom } from "./seeded-random.ts";
import type { SimulatedUser } from "./simulated-user.ts";

export interface ChainSettings {
  stormAtS: number;
  stormForS: number;
  /** new chains started per second, all VUs together */
  chainsPerS: number;
  forwardProbability: number;
  fanout: number;
  maxHops: number;
  vus: number;
  vu: number;
  seed: number;
}

export function chainLetters(settings: ChainSettings): LoadPlugin {
  const forwarded = new Map<SimulatedUser, Set<string>>();
  let started = 0;
  let budget = 0;
  let lastTick = 0;
  let phase: "before" | "storm" | "after" = "before";
  const chance = seededRandom(settings.seed * 7919 + settings.vu);

  const forward = (user: SimulatedUser, chain: { id: string; hop: number }) => {
    const seen = forwarded.get(user) ?? new Set<string>();
    forwarded.set(user, seen);
    if (seen.has(chain.id) || chain.hop >= settings.maxHops) return;
    seen.add(chain.id);
    const targets = user.member.contacts.slice(0, Math.min(settings.fanout, user.forwardCap ?? settings.fanout));
    targets.forEach((to, fanoutIndex) => void user.compose(to, { tag: "chain", chain: { id: chain.id, hop: chain.hop + 1 }, fwd: targets.length, fanoutIndex }));
  };

  return {
    onMessage: (user, _from, content) => {
      if (content.chain && chance() < settings.forwardProbability) forward(user, content.chain);
    },
    onTick: (now, startedAt, users, random) => {
      const stormFrom = startedAt + settings.stormAtS * 1000;
      const stormUntil = stormFrom + settings.stormForS * 1000;
      if (phase === "before" && now >= stormFrom) {
        phase = "storm";
        if (settings.vu === 0) recordEvent({ ev: "phase", name: "storm", edge: "start", t: now });
      }
      if (phase === "storm" && now >= stormUntil) {
        phase = "after";
        if (settings.vu === 0) recordEvent({ ev: "phase", name: "storm", edge: "end", t: now });
      }
      if (phase === "storm" && users.length > 0) {
        budget += (settings.chainsPerS / settings.vus) * ((now - (lastTick || now)) / 1000);
        for (; budget >= 1; budget--) forward(pick(users, random), { id: `chain-${settings.vu}-${++started}`, hop: 0 });
      }
      lastTick = now;
    },
  };
}
