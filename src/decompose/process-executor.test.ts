import { describe, expect, it } from 'vitest';
import { coupledFleetText } from '../../test/helpers/coupled-fleet.ts';
import { buildModel, loadScenarioText } from '../pipeline.ts';
import { planFleet } from '../plan/planner.ts';
import { ProcessExecutor } from './process-executor.ts';

describe('ProcessExecutor (units of work in worker processes with their own fleet model)', () => {
  it('gives the optimum the in-process executor gives, and reports each worker’s memory and work', async () => {
    const text = coupledFleetText({ sites: 4, hours: 48, capMW: 11 });
    const model = buildModel(loadScenarioText(text, process.cwd()));
    const local = await planFleet(model, { mode: 'optimal', decompose: 'on' });
    const ex = await ProcessExecutor.start({ workers: 2, source: { text, baseDir: process.cwd(), name: 'coupled.yaml' }, forecast: { kind: 'perfect' } });
    try {
      const remote = await planFleet(model, { mode: 'optimal', decompose: 'on', executor: ex });
      expect(remote.solver!.decomposition!.parallelism).toBe(2);
      // solves packed differently may stop at other optimal vertices: the same optimum within the gap
      const gap = Math.max(remote.solver!.decomposition!.maxGap, local.solver!.decomposition!.maxGap);
      expect(Math.abs(remote.solver!.objective - local.solver!.objective) / local.solver!.objective).toBeLessThanOrEqual(gap + 1e-9);
      const stats = await ex.stats();
      expect(stats).toHaveLength(2);
      for (const s of stats) {
        expect(s.pid).not.toBe(process.pid);
        expect(s.maxRssBytes).toBeGreaterThan(20 * 2 ** 20);
        expect(s.tasks).toBeGreaterThan(0);
      }
      // each group stays with one worker: 4 groups, 2 each
      expect(stats[0]!.tasks).toBe(stats[1]!.tasks);
    } finally {
      await ex.close();
    }
  });
});
