// The environment's control over its network paths, as Toxiproxy offers it: add and remove a toxic,
// enable and disable a path, and list what is in force. Faults and the end-of-run check use this,
// never a Toxiproxy client of their own (toxiproxy-network.ts is the one implementation).

export type ToxicStream = "upstream" | "downstream";

/** Toxiproxy's toxic types the harness uses. */
export type ToxicType = "latency" | "bandwidth" | "slicer" | "timeout" | "reset_peer";

export interface Toxic {
  /** unique on its path */
  name: string;
  type: ToxicType;
  /** upstream: client to server; downstream: server to client */
  stream: ToxicStream;
  /** share of connections affected, 0..1 */
  toxicity: number;
  /** the toxic type's own attributes (Toxiproxy's names: latency, jitter, rate, timeout, ...) */
  attributes: Readonly<Record<string, number>>;
}

/** One path as Toxiproxy holds it now. */
export interface PathState {
  path: string;
  enabled: boolean;
  toxics: Toxic[];
}

export interface NetworkControl {
  addToxic(path: string, toxic: Toxic): Promise<void>;
  /** removes the path's toxic of that name; a toxic already gone is fine */
  removeToxic(path: string, name: string): Promise<void>;
  /** a disabled path closes its open connections and refuses new ones */
  setEnabled(path: string, enabled: boolean): Promise<void>;
  /** every path of the environment, asked of Toxiproxy itself */
  inForce(): Promise<PathState[]>;
  /** removes every toxic and enables every path */
  reset(): Promise<void>;
}
