/**
 * Durability of `wattshift serve`: the server process is killed with SIGKILL while a run is
 * executing, and again around the moment a run's results are written, several times. After
 * each restart the database is intact (SQLite integrity check), every run that had succeeded
 * is unchanged and readable (the summary's hash, its files, its ledger pages), the run that
 * was executing is marked interrupted (RUN_INTERRUPTED) with no results, and a run killed
 * while writing is either wholly succeeded (its summary equal to a reference run's) or
 * interrupted with nothing stored: never half-written.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openStore } from '../../src/store/index.ts';
import { base } from '../helpers/fuzz-scenarios.ts';
import { call, startServe, type ServeProcess } from '../helpers/serve-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'wattshift-serve-durability-'));
const db = join(dir, 'durable.db');
let server: ServeProcess | undefined;
afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A year of hours at one site, all series constant: a run with a real ledger and report to write. */
function yearScenario(): string {
  const s = base();
  s.name = 'durable-year';
  s.horizon = { start: '2023-01-01T00:00Z', hours: 8760, stepMinutes: 60, timeZone: 'UTC' };
  const site = (s.sites as Array<Record<string, Record<string, unknown>>>)[0]!;
  site.series = { price: { constant: 42, unit: 'USD/MWh' }, carbonIntensity: { constant: 300 } };
  const jobs = s.workloads as Array<Record<string, unknown>>;
  jobs[1] = { ...jobs[1], release: '2023-01-01T06:00Z', deadline: '2023-12-30T20:00Z' };
  return stringify(s);
}

async function waitFor(url: string, token: string, id: string, until: (run: { status: string; progress: number }) => boolean, timeoutMs = 180_000): Promise<{ status: string; progress: number; error: { code: string } | null }> {
  const t0 = Date.now();
  for (;;) {
    const run = (await call(`${url}/api/v1/runs/${id}`, token)).json();
    if (until(run)) return run;
    if (Date.now() - t0 > timeoutMs) throw new Error(`run ${id} is ${run.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const terminal = (r: { status: string }): boolean => !['queued', 'running'].includes(r.status);

describe('wattshift serve survives SIGKILL', () => {
  it('completed runs stay intact, the interrupted run is marked, nothing is half-written', async () => {
    const store = await openStore(db);
    const token = (await store.tokens.create('operator')).secret;
    await store.close();

    server = await startServe(db, ['--workers', '1']);
    const up = await call(`${server.url}/api/v1/scenarios`, token, { method: 'POST', body: { scenario: yearScenario(), entry: 'year.yaml' } });
    expect(up.status, up.text).toBe(201);
    const scenarioId = up.json().scenario.id as string;
    const start = async (body: Record<string, unknown>): Promise<string> => {
      const r = await call(`${server!.url}/api/v1/runs`, token, { method: 'POST', body: { scenarioId, ...body } });
      expect(r.status, r.text).toBe(202);
      return r.json().id as string;
    };

    // a reference run, completed; how long it takes from the end of its use case to its stored results
    const reference = await start({ command: 'simulate' });
    await waitFor(server.url, token, reference, (r) => terminal(r) || r.progress >= 1);
    const t0 = performance.now();
    expect((await waitFor(server.url, token, reference, terminal)).status).toBe('succeeded');
    const storing = performance.now() - t0;
    const refSummary = (await call(`${server.url}/api/v1/runs/${reference}/summary`, token)).text;
    const refFiles = (await call(`${server.url}/api/v1/runs/${reference}/files`, token)).json().files;
    const refPage = (await call(`${server.url}/api/v1/runs/${reference}/ledger?limit=500&from=2023-06-01T00:00Z`, token)).text;

    // 1. killed while a run executes (a long sweep, between its points)
    const executing = await start({ command: 'sweep', options: { sweep: 'storage.energyMWh=0..1000:5', workers: 0 } });
    await waitFor(server.url, token, executing, (r) => r.status === 'running' && r.progress > 0);
    await server.kill();

    const outcomes: string[] = [];
    const check = async (killed: string[]): Promise<void> => {
      const s = await openStore(db);
      try {
        const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(s.db);
        expect(integrity.rows).toEqual([{ integrity_check: 'ok' }]);
      } finally {
        await s.close();
      }
      server = await startServe(db, ['--workers', '1']);
      const ref = await call(`${server.url}/api/v1/runs/${reference}/summary`, token);
      expect(sha(ref.text)).toBe(sha(refSummary));
      expect((await call(`${server.url}/api/v1/runs/${reference}/files`, token)).json().files).toEqual(refFiles);
      expect((await call(`${server.url}/api/v1/runs/${reference}/ledger?limit=500&from=2023-06-01T00:00Z`, token)).text).toBe(refPage);
      expect((await call(`${server.url}/api/v1/runs/${reference}/files/report.html`, token)).status).toBe(200);
      for (const id of killed) {
        const run = (await call(`${server.url}/api/v1/runs/${id}`, token)).json();
        const files = await call(`${server.url}/api/v1/runs/${id}/files`, token);
        outcomes.push(run.status);
        if (run.status === 'succeeded') {
          // written whole: the same document as the reference run's
          expect(sha((await call(`${server.url}/api/v1/runs/${id}/summary`, token)).text)).toBe(sha(refSummary));
          expect(files.json().files.map((f: { name: string }) => f.name)).toEqual(refFiles.map((f: { name: string }) => f.name));
        } else {
          expect(run).toMatchObject({ status: 'interrupted', error: { code: 'RUN_INTERRUPTED' } });
          expect(files.status).toBe(409);
          expect((await call(`${server.url}/api/v1/runs/${id}/ledger`, token)).status).toBe(409);
        }
      }
      const unfinished = (await call(`${server.url}/api/v1/runs?status=queued,running`, token)).json().runs;
      expect(unfinished).toEqual([]);
    };
    await check([executing]);
    expect(outcomes).toEqual(['interrupted']);

    // 2. killed around the write of a run's results (the write transaction comes last), up to five
    //    times until both outcomes were seen: first after half the time the reference took from
    //    its use case's end to its stored results, then later after a kill that came too early
    //    (the run was interrupted: twice as late until one came too late, then halfway) and
    //    sooner after one that came too late (the run had succeeded: halfway to the latest early
    //    kill), so the kills close in on the write however fast this machine is at the moment
    let [early, late] = [0, Number.POSITIVE_INFINITY];
    const kills: string[] = [];
    for (let kill = 0, delayMs = storing / 2; kill < 5; kill++) {
      if (outcomes.includes('succeeded') && outcomes.filter((o) => o === 'interrupted').length > 1) break;
      const writing = await start({ command: 'simulate' });
      await waitFor(server!.url, token, writing, (r) => terminal(r) || (r.status === 'running' && r.progress >= 1));
      await new Promise((r) => setTimeout(r, delayMs));
      await server!.kill();
      await check([writing]);
      kills.push(`${outcomes.at(-1)} after ${delayMs.toFixed(0)} ms`);
      if (outcomes.at(-1) === 'succeeded') late = delayMs;
      else early = delayMs;
      delayMs = late === Number.POSITIVE_INFINITY ? Math.max(2 * early, 20) : (early + late) / 2;
    }
    console.log(`kills during writes: ${kills.join(', ')} (the reference's results were stored ${storing.toFixed(0)} ms after its use case ended)`);
    // every kill left a whole run or none; the timing decides which
    expect(outcomes.slice(1).every((o) => o === 'succeeded' || o === 'interrupted')).toBe(true);
    expect(await server!.stop()).toBe(0);
    server = undefined;
  }, 480_000);
});
