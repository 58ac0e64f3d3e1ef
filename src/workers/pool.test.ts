import { afterAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../errors/index.ts';
import { ThreadWorkPool, type PoolProgress, type WorkPool } from './pool.ts';

const ENTRY = new URL('../../test/fixtures/workers/square-job.ts', import.meta.url);
type Job = { x: number; delayMs?: number; fail?: boolean };

describe('ThreadWorkPool', () => {
  const seen: PoolProgress[] = [];
  const pool: WorkPool<Job, number> = new ThreadWorkPool<Job, number, { factor: number }>({ entry: ENTRY, size: 2, data: { factor: 3 }, onProgress: (p) => seen.push(p) });
  afterAll(() => pool.close());

  it('runs jobs in worker threads with the pool\'s data, and counts them', async () => {
    expect(pool.size).toBe(2);
    const out = await Promise.all([1, 2, 3, 4, 5].map((x) => pool.submit({ x })));
    expect(out).toEqual([3, 12, 27, 48, 75]);
    expect(pool.progress()).toEqual({ submitted: 5, completed: 5, failed: 0, pending: 0 });
    expect(seen.at(-1)).toEqual({ submitted: 5, completed: 5, failed: 0, pending: 0 });
  });

  it('rejects a failing job with its error and keeps going', async () => {
    await expect(pool.submit({ x: 9, fail: true })).rejects.toThrow('job 9 failed');
    expect(await pool.submit({ x: 2 })).toBe(12);
  });

  it('cancels pending jobs with a CancelledError, one by signal or all at once', async () => {
    const c = new AbortController();
    const one = pool.submit({ x: 1, delayMs: 5_000 }, { signal: c.signal });
    c.abort();
    await expect(one).rejects.toBeInstanceOf(CancelledError);
    const many = [1, 2, 3].map((x) => pool.submit({ x, delayMs: 5_000 }));
    pool.cancel();
    for (const p of many) await expect(p).rejects.toBeInstanceOf(CancelledError);
    // still usable
    expect(await pool.submit({ x: 3 })).toBe(27);
  });
});
