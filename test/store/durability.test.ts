/**
 * Durability: a writer process is killed with SIGKILL in the middle of completing runs, several
 * times over, on SQLite and on PostgreSQL. After each kill the store opens, every run the writer
 * saw committed is there, every succeeded run has all its results and its ledger byte for byte,
 * no other run has any, and markInterrupted leaves no run queued or running.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { postgresDatabases, sqliteDatabases, type ScratchDatabases } from '../helpers/databases.ts';
import { unequalColumns } from '../helpers/ledger-fixture.ts';
import { expectedLedger, expectedResults } from './durability-fixture.ts';

const WRITER = fileURLToPath(new URL('./durability-writer.ts', import.meta.url));
/** Kill points, as fractions of the shortest completion so far (completions speed up as caches warm). */
const KILL_FRACTIONS = [0.5, 0.75, 0.9];

/**
 * Starts the writer and kills it during its next completion once `minCommits` runs are
 * committed, `fraction` of the way through the shortest completion so far (so the kill lands
 * inside the completion even when it is faster than most): late fractions land in the write
 * transaction, which follows hashing and compressing.
 */
function writeAndKill(location: string, minCommits: number, fraction: number): Promise<{ committed: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, location], { stdio: ['ignore', 'pipe', 'pipe'] });
    const committed: string[] = [];
    const durations: number[] = [];
    let startedAt = 0, buf = '', err = '', killing = false;
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const [what, id] = buf.slice(0, nl).split(' ') as [string, string];
        buf = buf.slice(nl + 1);
        if (what === 'committed') {
          committed.push(id);
          durations.push(performance.now() - startedAt);
        } else startedAt = performance.now();
        if (!killing && what === 'completing' && committed.length >= minCommits) {
          killing = true;
          const shortest = Math.min(...durations);
          setTimeout(() => child.kill('SIGKILL'), fraction * shortest);
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve({ committed }) : reject(new Error(`writer ended with ${code ?? signal}: ${err}`))));
  });
}

const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

async function checkAfterKill(location: string, committed: Set<string>): Promise<{ succeeded: number; interrupted: number }> {
  const store = await openStore(location);
  try {
    if (store.dialect === 'sqlite') {
      const r = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(store.db);
      expect(r.rows).toEqual([{ integrity_check: 'ok' }]);
    }
    const all = await store.runs.list({ limit: 500 });
    expect(all.next).toBeNull();
    const byId = new Map(all.runs.map((r) => [r.id, r]));
    for (const id of committed) expect(byId.get(id)?.status, `committed run ${id}`).toBe('succeeded');
    let succeeded = 0;
    for (const run of all.runs) {
      const results = await store.results.list(run.id);
      if (run.status === 'succeeded') {
        succeeded++;
        const expected = expectedResults(run.id);
        expect(results.map((r) => r.name).sort()).toEqual(expected.map((r) => r.name).sort());
        for (const e of expected) {
          const got = (await store.results.get(run.id, e.name))!;
          expect(got.sha256).toBe(sha(e.content));
          expect(sha(got.content)).toBe(sha(e.content));
        }
        expect(unequalColumns(await store.ledgers.load(run.id), expectedLedger(run.id)), `ledger columns of run ${run.id}`).toEqual([]);
      } else {
        expect(['queued', 'running', 'interrupted']).toContain(run.status);
        expect(results).toEqual([]);
        expect(await store.ledgers.info(run.id)).toBeUndefined();
        const chunks = await store.db.selectFrom('ledger_chunks').select('run_id').where('run_id', '=', run.id).execute();
        expect(chunks).toEqual([]);
      }
    }
    const marked = await store.runs.markInterrupted({ note: 'writer killed' });
    expect((await store.runs.list({ status: ['queued', 'running'] })).runs).toEqual([]);
    for (const id of marked) expect((await store.runs.get(id))!.status).toBe('interrupted');
    return { succeeded, interrupted: marked.length };
  } finally {
    await store.close();
  }
}

async function killRepeatedly(dbs: ScratchDatabases): Promise<void> {
  const location = await dbs.create();
  const committed = new Set<string>();
  let interrupted = 0;
  for (const fraction of KILL_FRACTIONS) {
    const r = await writeAndKill(location, 3, fraction);
    for (const id of r.committed) committed.add(id);
    const c = await checkAfterKill(location, committed);
    expect(c.succeeded).toBeGreaterThanOrEqual(committed.size);
    interrupted += c.interrupted;
  }
  // each kill came while a completion was under way: that run is either fully there or interrupted
  expect(interrupted).toBeGreaterThan(0);
}

describe('SIGKILL during writes', () => {
  const sqlite = sqliteDatabases();
  afterAll(() => sqlite.dropAll());

  it('SQLite: completed runs intact, in-flight runs interrupted', async () => {
    await killRepeatedly(sqlite);
  });

  it('PostgreSQL: completed runs intact, in-flight runs interrupted', async (ctx) => {
    const pg = await postgresDatabases();
    if ('skipReason' in pg) {
      console.warn(`durability test on PostgreSQL skipped: ${pg.skipReason}`);
      ctx.skip();
      return;
    }
    try {
      await killRepeatedly(pg);
    } finally {
      await pg.dropAll();
    }
  });
});
