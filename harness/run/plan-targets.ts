// Which server each scenario of a run tests: --target (or CHAOS_TARGET) for all of them, else the
// suite's "target" per scenario, else relay. Checked against the run's other flags before
// anything starts (bad input: exit code 2).
import { InputError } from "../errors.ts";
import type { ScenarioPlan } from "../suites/scenario-plan.ts";
import { checkTargetFits } from "../targets/target-fits.ts";
import { DEFAULT_TARGET, isXmppTarget, type TargetName } from "../targets/target.ts";
import type { RunFlags } from "./run-flags.ts";

export function planTargets(plans: ScenarioPlan[], flags: Pick<RunFlags, "target" | "targetConfig" | "tls" | "relay">, suiteSource: string): TargetName[] {
  const targets = plans.map((plan, i) => {
    const name = flags.target?.name ?? plan.target ?? DEFAULT_TARGET;
    const chosenBy = flags.target?.chosenBy ?? (plan.target ? `${suiteSource}: scenario '${plan.name}' target ${JSON.stringify(plan.target)}` : `scenario '${plan.name}' (target relay, the default)`);
    checkTargetFits({ target: name, chosenBy, tls: flags.tls, relay: flags.relay, ...(flags.targetConfig !== undefined ? { targetConfig: flags.targetConfig } : {}) });
    return name;
  });
  if (flags.targetConfig !== undefined) {
    const kinds = [...new Set(targets.filter(isXmppTarget))];
    if (kinds.length > 1) {
      throw new InputError(`--target-config ${flags.targetConfig}: one configuration file for scenarios that target ${kinds.join(" and ")}; allowed: --target-config with one XMPP target (--target ${kinds[0]}, or a suite whose scenarios all target it)`);
    }
  }
  return targets;
}
