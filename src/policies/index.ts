/** The policies wattshift can run, by name. */
import { InputError } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import type { Progress } from '../simulate/engine.ts';
import { naiveDispatch } from './naive.ts';

/** A named way of deciding a dispatch. */
export interface PolicyEntry {
  name: string;
  description: string;
  dispatch(model: FleetModel, progress?: Progress): Dispatch | Promise<Dispatch>;
}

const POLICIES: PolicyEntry[] = [
  {
    name: 'naive',
    description: 'inference where it arrives, jobs at release at full power until done, storage idle, surplus curtailed',
    dispatch: (m) => naiveDispatch(m),
  },
];

/** Names of all policies. */
export function policyNames(): string[] {
  return POLICIES.map((p) => p.name);
}

/** Looks up a policy; an unknown name is an input error listing the valid ones. */
export function getPolicy(name: string): PolicyEntry {
  const p = POLICIES.find((x) => x.name === name);
  if (!p) throw new InputError('OPTION_INVALID', `unknown policy "${name}"; valid policies: ${policyNames().join(', ')}`, { path: '--policy' });
  return p;
}
