import { afterAll, describe, expect, it } from 'vitest';
import { coupledFleet } from '../../test/helpers/coupled-fleet.ts';
import { sharedHighs } from '../../test/helpers/shared-solver.ts';
import { InputError } from '../errors/index.ts';
import { explainInfeasibleWindow } from './explain-infeasible.ts';
import { buildFleetLp, emptyWindowState } from './fleet-lp.ts';
import { actualSignals } from './signals.ts';

const highs = sharedHighs();
afterAll(highs.close);

async function explained(capMW: number): Promise<InputError> {
  const model = coupledFleet({ sites: 2, hours: 24 });
  const signals = actualSignals(model);
  const caps = [{ label: 'fleet import cap', sites: [0, 1], from: 0, to: 24, maxKW: capMW * 1000, measure: 'grid' as const }];
  const { lp, layout } = buildFleetLp(model, 0, 24, signals, emptyWindowState(model), { objective: 'cost', caps, budgets: [], rolling: false, maxPoints: 4, holdStorageEnd: true });
  const solver = highs.factory('highs');
  const e = await explainInfeasibleWindow(lp.compile(), layout, solver, model).then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof InputError)) throw new Error(`expected an InputError, got ${String(e)}`);
  return e;
}

describe('explaining an infeasible window', () => {
  it('names the limit that must give way and by how much', async () => {
    const e = await explained(0.1);
    expect(e.code).toBe('PLAN_INFEASIBLE');
    // a 100 kW cap on two sites whose idle GPUs and cooling alone draw more: supply must give way
    expect(e.message).toMatch(/site s0 needs [\d.]+ MWh more than its grid connection and local supply can deliver/);
    expect(e.details.join('\n')).toMatch(/site s0, .* short by [\d.]+ MWh/);
  });

  it('says the solver was wrong when the model it called infeasible breaks no limit (a cap far above the fleet)', async () => {
    const e = await explained(400);
    expect(e.code).toBe('PLAN_INFEASIBLE');
    expect(e.message).toMatch(/breaks none: the solver reported a feasible model infeasible/);
    expect(e.details).toEqual([]);
  });
});
