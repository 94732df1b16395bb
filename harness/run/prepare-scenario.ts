// What a scenario needs before k6 starts: its population (written for k6), the stored backlog
// preloaded into the server, and the protocol's wiring (XMPP: the registered accounts' secret).
import { join } from "node:path";
import type { Population } from "../../scenarios/lib/population.ts";
import type { RunWiring } from "../../scenarios/lib/scenario-settings.ts";
import type { TappedEnvironment } from "../environments/tap-paths.ts";
import { generatePopulation, writePopulationFile } from "../load/population.ts";
import { preloadBacklog, type BacklogFigures } from "../load/preload-backlog.ts";
import { preloadXmppBacklog } from "../load/preload-xmpp-backlog.ts";
import { registerPopulation } from "../load/register-population.ts";
import type { LoadShape } from "../suites/scenario-plan.ts";
import { TARGET_PROTOCOL, XMPP_DOMAIN } from "../targets/target.ts";
import { generationProgress } from "./generation-progress.ts";

/** one-time prekeys each user publishes: only a pair without an earlier session uses one (X3DH) */
const ONE_TIME_PREKEYS = 5;
/** populations at least this big print progress lines while they are generated (about 10 s of work on 2 cores) */
const PROGRESS_FROM_USERS = 10_000;

export interface PreparedScenario {
  population: Population;
  populationFile: string;
  backlog: BacklogFigures | null;
  protocolWiring: Partial<RunWiring>;
}

export async function prepareScenario(name: string, dir: string, load: LoadShape, env: TappedEnvironment, interrupt: AbortSignal, log: (line: string) => void): Promise<PreparedScenario> {
  log(`[${name}] generating ${load.users} users (identities, prekeys, social graph, seed ${load.seed})`);
  const population = await generatePopulation({
    users: load.users, seed: load.seed, contactsPerUser: load.contacts, oneTimePrekeys: ONE_TIME_PREKEYS, signal: interrupt,
    ...(load.users >= PROGRESS_FROM_USERS ? { onProgress: generationProgress(name, log) } : {}),
  });
  const populationFile = join(dir, "population.json");
  await writePopulationFile(populationFile, population, interrupt);
  const target = env.target;
  const protocol = TARGET_PROTOCOL[target.name];
  const backlog = load.backlog === 0 ? null
    : protocol === "xmpp" ? await preloadXmppBacklog(env.paths[0].url, XMPP_DOMAIN, load.backlog, log, { signal: interrupt })
    : await preloadBacklog(env.paths[0].url, load.backlog, log);
  const protocolWiring: Partial<RunWiring> = { protocol };
  if (protocol === "xmpp") {
    const accounts = await registerPopulation({ name, url: env.paths[0].url, domain: XMPP_DOMAIN, server: target.name, population, log });
    Object.assign(protocolWiring, { xmppDomain: XMPP_DOMAIN, xmppSecret: accounts.secret });
  }
  return { population, populationFile, backlog, protocolWiring };
}
