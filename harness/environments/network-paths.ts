// The relay's network paths as Toxiproxy proxies: two direct addresses and two volunteer proxy
// servers, each on one of the relay's two listeners, so a censor can block some and leave others.

export interface PathPlan {
  name: string;
  kind: "direct" | "proxy";
  /** index of the relay listener the path leads to */
  listener: 0 | 1;
}

export const PATH_PLAN: readonly PathPlan[] = [
  { name: "direct-a", kind: "direct", listener: 0 },
  { name: "direct-b", kind: "direct", listener: 1 },
  { name: "proxy-1", kind: "proxy", listener: 0 },
  { name: "proxy-2", kind: "proxy", listener: 1 },
];

/** Target names a timeline may use for path faults: a path's name or a group of paths. */
export const PATH_GROUPS: Record<string, (p: PathPlan) => boolean> = {
  "all-paths": () => true,
  direct: (p) => p.kind === "direct",
  proxies: (p) => p.kind === "proxy",
};

export function resolvePathTarget(target: string): PathPlan[] | null {
  const group = PATH_GROUPS[target];
  if (group) return PATH_PLAN.filter(group);
  const path = PATH_PLAN.find((p) => p.name === target);
  return path ? [path] : null;
}

export function pathTargetNames(): string[] {
  return [...PATH_PLAN.map((p) => p.name), ...Object.keys(PATH_GROUPS)];
}
