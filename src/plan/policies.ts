/** The policies wattshift can run, by name. */
import { InputError } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { planFleet, type PlanOptions } from './planner.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import type { Progress } from '../simulate/engine.ts';
import { greedyDispatch } from './greedy.ts';
import { naiveDispatch } from './naive.ts';

/** A named way of deciding a dispatch. */
export interface PolicyEntry {
  name: string;
  description: string;
  dispatch(model: FleetModel, progress?: Progress, options?: Partial<PlanOptions>): Dispatch | Promise<Dispatch>;
}

const POLICIES: readonly PolicyEntry[] = [
  {
    name: 'naive',
    description: 'inference where it arrives, jobs at release at full power until done, storage idle, surplus curtailed',
    dispatch: (m) => naiveDispatch(m),
  },
  {
    name: 'greedy',
    description: 'rules: jobs in the cheapest hours of their windows, storage charges cheap and discharges dear each day',
    dispatch: (m) => greedyDispatch(m),
  },
  {
    name: 'optimal',
    description: 'one linear program over the whole horizon with perfect knowledge (HiGHS)',
    dispatch: (m, progress, o) => planFleet(m, { ...o, mode: 'optimal', progress }),
  },
  {
    name: 'rolling',
    description: 'rolling horizon: plan a look-ahead window on forecasts, commit its first part, repeat',
    dispatch: (m, progress, o) => planFleet(m, { ...o, mode: 'rolling', progress }),
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
