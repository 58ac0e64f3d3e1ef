/**
 * One run's job body, in this thread against a real store: what it records when the input is
 * bad (located, without the server's folders), when a solver breaks (INTERNAL, logged, no
 * message leaked), when the run is cancelled in the store by another process, at a shutdown,
 * and that files a run may read are only those of its bundle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { defaultSolverFactory } from '../app/index.ts';
import { makeBundle, openStore, type Store } from '../store/index.ts';
import { base, PRICE_CSV } from '../../test/helpers/fuzz-scenarios.ts';
import { executeRun, type ExecuteRunContext } from './execute-run.ts';

let store: Store;
let scenarioId: string;
const dir = mkdtempSync(join(tmpdir(), 'wattshift-execute-run-'));

beforeAll(async () => {
  store = await openStore(join(dir, 'db.sqlite'));
  const { scenario } = await store.scenarios.put(makeBundle('s/small.yaml', { 's/small.yaml': stringify(base()), 's/price.csv': PRICE_CSV, 'events.csv': 'start,end\n' }), { name: 'small' });
  scenarioId = scenario.id;
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ctx = (extra: Partial<ExecuteRunContext> = {}): ExecuteRunContext => ({ store, solverFactory: defaultSolverFactory, owner: 'test', progressIntervalMs: 10, ...extra });

async function newRun(command: string, options: Record<string, unknown> = {}, scenario = scenarioId): Promise<string> {
  return (await store.runs.create({ scenarioId: scenario, command, options: options as never, softwareVersion: 'test' })).id;
}

describe('executeRun', () => {
  it('stores what the run produced in one completion, with its timings and lease owner', async () => {
    const id = await newRun('simulate');
    const end = await executeRun(id, ctx());
    expect(end).toEqual({ status: 'succeeded', error: null });
    const run = (await store.runs.get(id))!;
    expect(run).toMatchObject({ status: 'succeeded', progress: 1, leaseOwner: 'test' });
    expect(Object.keys(run.timings!)).toEqual(['materialise', 'run', 'files']);
    expect((await store.results.list(id)).map((r) => r.name)).toEqual(['bills.csv', 'bills.json', 'output.txt', 'report.html', 'result.json', 'summary.json']);
    expect((await store.ledgers.info(id))!.sites.map((s) => s.id)).toEqual(['a']);
  });

  it('a missing file: failed with the located problem, and no server folder in it', async () => {
    const s = base();
    ((s.sites as Array<Record<string, Record<string, Record<string, unknown>>>>)[0]!.series!.price as Record<string, unknown>).file = 'gone.csv';
    const { scenario } = await store.scenarios.put(makeBundle('x.yaml', { 'x.yaml': stringify(s) }), { name: 'missing' });
    const id = await newRun('simulate', {}, scenario.id);
    const end = await executeRun(id, ctx());
    expect(end.status).toBe('failed');
    expect(end.error).toMatchObject({ code: 'FILE_NOT_FOUND', location: { file: 'gone.csv', path: 'sites[0].series.price' } });
    expect(JSON.stringify(end.error)).not.toMatch(/wattshift-bundle-|\/tmp/);
    expect((await store.runs.get(id))!.error).toEqual(end.error);
  });

  it('reads dr event files from the bundle only, relative to the scenario', async () => {
    const outside = await executeRun(await newRun('dr', { event: ['../../../etc/passwd'] }), ctx());
    expect(outside.error).toMatchObject({ code: 'EVENT_INVALID', location: { path: '--event[0]' } });
    expect(outside.error!.message).toMatch(/event file "\.\.\/\.\.\/\.\.\/etc\/passwd" lies outside the folder/);
    const inside = await executeRun(await newRun('dr', { event: ['../events.csv'] }), ctx());
    // found and read (it holds no event, so the program's settlement refuses it for another reason)
    expect(inside.error?.message ?? '').not.toMatch(/lies outside|does not exist/);
  });

  it('a solver that breaks: failed as INTERNAL, logged with its stack, its message not recorded', async () => {
    const logged: string[] = [];
    const id = await newRun('plan', { policy: 'optimal' });
    const end = await executeRun(id, ctx({ solverFactory: () => { throw new Error('secret detail at /srv/x'); }, logError: (m, e) => logged.push(`${m}: ${(e as Error).stack}`) }));
    expect(end).toMatchObject({ status: 'failed', error: { code: 'INTERNAL' } });
    expect(JSON.stringify(end.error)).not.toContain('secret detail');
    expect(logged.join('\n')).toMatch(/failed: Error: secret detail at \/srv\/x\n\s+at /);
  });

  it('a run cancelled in the store by another process stops at its next progress write', async () => {
    const id = await newRun('sweep', { sweep: 'storage.energyMWh=0..400:1', workers: 0 });
    let cancelled = false;
    const end = await executeRun(id, ctx({ onProgress: (f) => {
      if (!cancelled && f > 0) {
        cancelled = true;
        void store.runs.cancel(id, 'elsewhere');
      }
    } }));
    expect(end.status).toBe('cancelled');
    expect((await store.runs.get(id))!.note).toBe('elsewhere');
    expect(await store.results.list(id)).toEqual([]);
  });

  it('an abort at shutdown leaves the run running for markInterrupted; a run no longer queued is left alone', async () => {
    const id = await newRun('sweep', { sweep: 'storage.energyMWh=0..400:1', workers: 0 });
    const c = new AbortController();
    const end = await executeRun(id, ctx({ signal: c.signal, isShutdown: () => true, onProgress: () => c.abort() }));
    expect(end.status).toBe('running');
    expect((await store.runs.get(id))!.status).toBe('running');
    await store.runs.markInterrupted({ note: 'test' });
    const again = await executeRun(id, ctx());
    expect(again.status).toBe('interrupted');
  });
});
