// Generates the simulated users of a run before k6 starts: real P-256 identities and prekeys
// (WebCrypto) and a seeded social graph, so the same seed gives the same conversations.
import { createIdentity, exportIdentity } from "../protocol/identity.ts";
import { createPrekeyRing, exportPrekeyRing } from "../protocol/prekeys.ts";
import type { Population, PopulationMember } from "../../scenarios/lib/population.ts";
import { seededRandom, type Random } from "../../scenarios/lib/seeded-random.ts";

export interface PopulationOptions {
  users: number;
  seed: number;
  /** how many people each user writes to */
  contactsPerUser: number;
  /** one-time prekeys each user publishes */
  oneTimePrekeys: number;
  onProgress?: (done: number, total: number) => void;
}

/** Each user gets `count` distinct contacts other than itself, chosen by the seeded generator. */
export function socialGraph(users: number, count: number, random: Random): number[][] {
  const k = Math.min(count, users - 1);
  return Array.from({ length: users }, (_, self) => {
    const contacts = new Set<number>();
    while (contacts.size < k) {
      const other = Math.floor(random() * users);
      if (other !== self) contacts.add(other);
    }
    return [...contacts];
  });
}

export async function generatePopulation(options: PopulationOptions): Promise<Population> {
  const graph = socialGraph(options.users, options.contactsPerUser, seededRandom(options.seed));
  const members: PopulationMember[] = [];
  for (let index = 0; index < options.users; index++) {
    const identity = await createIdentity();
    const ring = await createPrekeyRing(identity, options.oneTimePrekeys);
    members.push({ index, userId: identity.userId, identity: await exportIdentity(identity), prekeys: await exportPrekeyRing(ring), contacts: graph[index] });
    if (options.onProgress && (index + 1) % 100 === 0) options.onProgress(index + 1, options.users);
  }
  return { seed: options.seed, members };
}
