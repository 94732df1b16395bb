// The environment's network control over one or more Toxiproxy servers, the only user of
// toxiproxy-node-client: it creates the paths (one proxy each) and then adds and removes toxics,
// enables and disables paths and lists what is in force, each path on the server that holds it.
import { Toxiproxy, ToxiproxyError, type ICreateToxicBody } from "toxiproxy-node-client";
import type { NetworkControl, PathState, Toxic } from "./network-control.ts";

/** A proxy as Toxiproxy's GET /proxies lists it. */
interface ProxyListing {
  name: string;
  enabled: boolean;
  toxics: Toxic[];
}

export class ToxiproxyNetwork implements NetworkControl {
  private readonly servers: Toxiproxy[];
  private readonly serverOf = new Map<string, Toxiproxy>();

  /** `apiUrls`: each server's control API, http://HOST:PORT */
  constructor(apiUrls: readonly string[]) {
    if (apiUrls.length === 0) throw new RangeError("a network needs at least one Toxiproxy server");
    this.servers = apiUrls.map((url) => new Toxiproxy(url));
  }

  /** Creates a path on server `server` (an index into apiUrls): clients dial `listen`, Toxiproxy forwards to `upstream`. */
  async createPath(name: string, listen: string, upstream: string, server = 0): Promise<void> {
    const toxiproxy = this.servers[server];
    if (!toxiproxy) throw new RangeError(`no Toxiproxy server ${server}; servers 0..${this.servers.length - 1}`);
    await attempt(`creating path ${name} (${listen} -> ${upstream}) on ${toxiproxy.host}`, () => toxiproxy.createProxy({ name, listen, upstream, enabled: true }));
    this.serverOf.set(name, toxiproxy);
  }

  /** Toxiproxy's version (of the first server; the environment starts them all from one binary or image). */
  version(): Promise<string> {
    return this.servers[0]!.getVersion();
  }

  async addToxic(path: string, toxic: Toxic): Promise<void> {
    const body: ICreateToxicBody<Record<string, number>> = { ...toxic, attributes: { ...toxic.attributes } };
    await attempt(`adding toxic ${toxic.name} to ${path}`, () => this.api(path).post(`${this.proxyUrl(path)}/toxics`, body));
  }

  async removeToxic(path: string, name: string): Promise<void> {
    await attempt(`removing toxic ${name} from ${path}`, async () => {
      try {
        await this.api(path).delete(`${this.proxyUrl(path)}/toxics/${encodeURIComponent(name)}`);
      } catch (error) {
        if (!notFound(error)) throw error;
      }
    });
  }

  async setEnabled(path: string, enabled: boolean): Promise<void> {
    // Toxiproxy's update keeps the fields a body leaves out (listen, upstream)
    await attempt(`${enabled ? "enabling" : "disabling"} ${path}`, () => this.api(path).post(this.proxyUrl(path), { enabled }));
  }

  async inForce(): Promise<PathState[]> {
    const listings = new Map<Toxiproxy, Record<string, ProxyListing>>();
    await Promise.all(this.servers.map(async (server) => {
      const { data } = await attempt(`listing the paths of ${server.host}`, () => server.getApi().get<Record<string, ProxyListing>>(`${server.host}/proxies`));
      listings.set(server, data);
    }));
    return [...this.serverOf].map(([path, server]) => {
      const proxy = listings.get(server)?.[path];
      if (!proxy) throw new Error(`path ${path} is gone from Toxiproxy at ${server.host}`);
      return { path, enabled: proxy.enabled, toxics: proxy.toxics.map(({ name, type, stream, toxicity, attributes }) => ({ name, type, stream, toxicity, attributes })) };
    });
  }

  async reset(): Promise<void> {
    await Promise.all(this.servers.map((s) => attempt(`resetting ${s.host}`, () => s.reset())));
  }

  private server(path: string): Toxiproxy {
    const server = this.serverOf.get(path);
    if (!server) throw new Error(`no network path '${path}'; paths: ${[...this.serverOf.keys()].join(", ") || "none"}`);
    return server;
  }

  private api(path: string) {
    return this.server(path).getApi();
  }

  private proxyUrl(path: string): string {
    return `${this.server(path).host}/proxies/${encodeURIComponent(path)}`;
  }
}

/** The client says only "Request failed with status code N". */
function notFound(error: unknown): boolean {
  return error instanceof ToxiproxyError && /status code 404$/.test(error.message);
}

async function attempt<T>(what: string, act: () => Promise<T>): Promise<T> {
  try {
    return await act();
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
  }
}
