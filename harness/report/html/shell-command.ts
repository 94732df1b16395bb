// The exact command that re-runs a run, from the flags summary.json recorded.
export function rerunCommand(flags: string[] | undefined): string {
  const args = (flags ?? []).map(quote);
  return args.length ? `npm run chaos -- ${args.join(" ")}` : "npm run chaos";
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
