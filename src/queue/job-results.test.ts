// Job results in the store, on SQLite and on PostgreSQL: the first write of a job wins, a later
// one writes nothing; outcomes read back as written, by id and by batch.
import { afterAll, describe, expect, it } from 'vitest';
import { postgresDatabases, sqliteDatabases, type ScratchDatabases } from '../../test/helpers/databases.ts';
import { openStore } from '../store/open.ts';
import { JobResults } from './job-results.ts';

const pg = await postgresDatabases();
if ('skipReason' in pg) console.warn(`PostgreSQL job-result tests skipped: ${pg.skipReason}`);
const kinds: Array<[string, ScratchDatabases | undefined]> = [
  ['SQLite', sqliteDatabases()],
  ['PostgreSQL', 'skipReason' in pg ? undefined : pg],
];

describe.each(kinds)('JobResults on %s', (_name, dbs) => {
  afterAll(() => dbs?.dropAll());

  it.runIf(dbs !== undefined)('keeps the first outcome of a job and reads outcomes back by id and batch', async () => {
    const store = await openStore(await dbs!.create());
    try {
      const r = new JobResults(store);
      const metrics = { npv: -7766873.289462321, irr: null, pue: 1.187078, tiny: 5e-324, big: 1.7976931348623157e308 };
      expect(await r.record('b1-0', 'b1', { status: 'succeeded', result: metrics }, { attempts: 1, worker: 'w1', nowMs: 1_700_000_000_000 })).toBe(true);
      // a retried job finishing again, or the submitter recording a failure late: nothing changes
      expect(await r.record('b1-0', 'b1', { status: 'succeeded', result: { npv: 0 } }, { attempts: 2, worker: 'w2' })).toBe(false);
      expect(await r.record('b1-0', 'b1', { status: 'failed', error: { message: 'late' } }, { attempts: 3 })).toBe(false);
      expect(await r.record('b1-1', 'b1', { status: 'failed', error: { message: 'point 1 always fails', name: 'Error' } }, { attempts: 3, worker: 'w2', nowMs: 1_700_000_000_001 })).toBe(true);
      expect(await r.record('b2-0', 'b2', { status: 'succeeded', result: 4 }, { attempts: 1 })).toBe(true);

      const got = await r.get(['b1-0', 'b1-1', 'missing']);
      expect(got.size).toBe(2);
      expect(got.get('b1-0')).toEqual({ jobId: 'b1-0', batch: 'b1', status: 'succeeded', result: metrics, attempts: 1, worker: 'w1', finishedAtMs: 1_700_000_000_000 });
      expect(got.get('b1-1')).toEqual({ jobId: 'b1-1', batch: 'b1', status: 'failed', error: { message: 'point 1 always fails', name: 'Error' }, attempts: 3, worker: 'w2', finishedAtMs: 1_700_000_000_001 });
      expect((await r.batch('b1')).map((o) => o.jobId).sort()).toEqual(['b1-0', 'b1-1']);
      // more ids than one query binds
      const many = Array.from({ length: 1_200 }, (_, i) => `none-${i}`);
      expect((await r.get([...many, 'b2-0'])).size).toBe(1);
      expect(await r.removeBatch('b1')).toBe(2);
      expect((await r.batch('b1')).length).toBe(0);
    } finally {
      await store.close();
    }
  });
});
