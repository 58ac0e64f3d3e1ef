/** The deepest holdable reduction copes with caps nothing can hold (they count as floors missed). */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countingFactory } from '../../test/helpers/counting-solver.ts';
import { InputError } from '../errors/index.ts';
import { buildModel, loadScenario } from '../pipeline.ts';
import { stepAtOrAfter } from '../scenario/horizon.ts';
import { maxReduction, replayEvent } from './event-replay.ts';

const PHOENIX = fileURLToPath(new URL('../../examples/phoenix-2025.yaml', import.meta.url));

describe('maxReduction on facility power', () => {
  it('bisects past caps that are infeasible and lands where the floors still hold', async () => {
    const model = buildModel(loadScenario(PHOENIX));
    const from = stepAtOrAfter(model.grid, '2025-05-03T16:00', 'event');
    const ev = { from, to: from + 12, measure: 'facility' as const, window: [0, model.grid.steps] as [number, number] };
    const c = countingFactory();
    const deepest = await maxReduction(model, ev, 0.02, { solverFactory: c.factory });
    // [0, 1] halved to 2 %: six solves, one solver
    expect(c.solves).toBe(6);
    expect(c.made).toEqual(['highs']);
    expect(deepest).toBeGreaterThan(0.1);
    expect(deepest).toBeLessThan(0.99);
    const held = await replayEvent(model, { ...ev, reduction: deepest }, { solverFactory: c.factory });
    expect(held.floorsMet).toBe(true);
    const tooDeep = await replayEvent(model, { ...ev, reduction: 0.99 }).catch((e: unknown) => e);
    expect(tooDeep).toBeInstanceOf(InputError);
    expect((tooDeep as InputError).code).toBe('PLAN_INFEASIBLE');
  });
});
