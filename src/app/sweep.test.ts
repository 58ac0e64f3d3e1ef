/** runSweep: points planned with the injected factory in this thread, cancellable in worker threads. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countingFactory } from '../../test/helpers/counting-solver.ts';
import { CancelledError, InputError } from '../errors/index.ts';
import { defaultSolverFactory } from '../optimize/solver-factory.ts';
import { fileText } from './files.ts';
import { runSweep } from './sweep.ts';

const PHOENIX = fileURLToPath(new URL('../../examples/phoenix-2025.yaml', import.meta.url));

describe('runSweep', () => {
  it('plans every point with the injected factory when it runs in this thread', async () => {
    const c = countingFactory();
    const r = await runSweep({ scenario: { file: PHOENIX }, sweep: 'finance.discountRate=0.08,0.12', policy: 'optimal', workers: 0 }, { solverFactory: c.factory });
    expect(r.json.points).toHaveLength(2);
    expect(r.json.points.every((p) => p.metrics !== null && p.error === null)).toBe(true);
    expect(c.made).toEqual(['highs', 'highs']);
    expect(c.closed).toBe(2);
    // the same design discounted at a higher rate is worth less
    expect(r.json.points[1]!.metrics!.npv).toBeLessThan(r.json.points[0]!.metrics!.npv);
    expect(r.json.ranking).toEqual([0, 1]);
    expect(r.text).toContain('Sweep: 2 points, 0 workers');
    const [csv] = await r.files();
    expect(csv!.name).toBe('sweep.csv');
    expect(fileText(csv!).trim().split('\n')).toHaveLength(3);
  });

  it('terminates its worker threads when cancelled', async () => {
    const controller = new AbortController();
    const t0 = performance.now();
    const run = runSweep(
      { scenario: { file: PHOENIX }, sweep: 'finance.discountRate=0.02,0.04,0.06,0.08,0.1,0.12', workers: 1 },
      { solverFactory: defaultSolverFactory, signal: controller.signal, progress: () => controller.abort() },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(performance.now() - t0).toBeLessThan(30_000);
  });

  it('rejects a bad spec or worker count, naming the option', async () => {
    const deps = { solverFactory: defaultSolverFactory };
    const spec = (await runSweep({ scenario: { file: PHOENIX }, sweep: 'batteries=1' }, deps).catch((x: unknown) => x)) as InputError;
    expect(spec).toBeInstanceOf(InputError);
    expect(spec.location.path).toBe('--sweep');
    const workers = (await runSweep({ scenario: { file: PHOENIX }, sweep: 'finance.discountRate=0.1', workers: 300 }, deps).catch((x: unknown) => x)) as InputError;
    expect(workers.location.path).toBe('--workers');
  });
});
