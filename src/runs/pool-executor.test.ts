/**
 * The in-process executor: a bounded queue with reservations, events in order, a worker that
 * does not stop in its grace period is terminated and the pool goes on, and an in-memory
 * database is refused (worker threads could not open it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { makeBundle, openStore, type Store } from '../store/index.ts';
import { base, PRICE_CSV } from '../../test/helpers/fuzz-scenarios.ts';
import { QueueFullError, type RunEvent } from './executor.ts';
import { PoolExecutor } from './pool-executor.ts';

let store: Store;
let scenarioId: string;
const dir = mkdtempSync(join(tmpdir(), 'wattshift-pool-'));
const location = join(dir, 'db.sqlite');

beforeAll(async () => {
  store = await openStore(location);
  scenarioId = (await store.scenarios.put(makeBundle('s.yaml', { 's.yaml': stringify(base()), 'price.csv': PRICE_CSV }), { name: 's' })).scenario.id;
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const create = async (command: string, options: Record<string, unknown> = {}) => (await store.runs.create({ scenarioId, command, options: options as never, softwareVersion: 't' })).id;
const until = async (f: () => boolean, ms = 60_000) => {
  const t0 = Date.now();
  while (!f()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('PoolExecutor', () => {
  it('refuses an in-memory database', () => {
    expect(() => new PoolExecutor({ store, location: 'sqlite::memory:', size: 1 })).toThrow(/in-memory SQLite database cannot be shared/);
  });

  it('reserves places up to the queue bound, terminates a worker that outstays its grace, and goes on', async () => {
    const ex = new PoolExecutor({ store, location, size: 1, maxQueue: 1, cancelGraceMs: 1, progressIntervalMs: 50 });
    try {
      const events: RunEvent[] = [];
      ex.subscribe('*', (e) => events.push(e));
      const long = await create('sweep', { sweep: 'storage.energyMWh=0..400:1', workers: 0 });
      ex.reserve().submit(long);
      const waiting = ex.reserve(); // the one queue place
      expect(() => ex.reserve()).toThrow(QueueFullError);
      const second = await create('simulate');
      waiting.submit(second);
      expect(ex.stats()).toMatchObject({ running: 1, queued: 1, size: 1, maxQueue: 1 });
      await until(() => events.some((e) => e.runId === long && e.type === 'progress'));
      // cancelled in the store, then stopped here: 1 ms of grace, so its thread is terminated
      await store.runs.cancel(long);
      expect(ex.cancel(long)).toBe(true);
      await until(() => events.some((e) => e.runId === second && e.type === 'status' && e.status === 'succeeded'));
      expect((await store.runs.get(long))!.status).toBe('cancelled');
      const statuses = (id: string) => events.filter((e) => e.runId === id && e.type === 'status').map((e) => (e as { status: string }).status);
      expect(statuses(long)).toEqual(['queued', 'running', 'cancelled']);
      expect(statuses(second)).toEqual(['queued', 'running', 'succeeded']);
      expect(ex.cancel(second)).toBe(false);
      expect(ex.stats()).toMatchObject({ running: 0, queued: 0 });
    } finally {
      await ex.close();
    }
  });

  it('a released reservation frees its place', async () => {
    const ex = new PoolExecutor({ store, location, size: 1, maxQueue: 0 });
    try {
      const slot = ex.reserve();
      expect(() => ex.reserve()).toThrow(QueueFullError);
      slot.release();
      ex.reserve().release();
    } finally {
      await ex.close();
    }
  });
});
