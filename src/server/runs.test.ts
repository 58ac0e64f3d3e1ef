/**
 * Runs through the API on a small scenario (48 h, one site), executed by the real worker-thread
 * pool: what a run stores is what the CLI writes (summary, ledger, bills byte for byte), ledger
 * pages cover every row once, live events arrive in order, cancel and rerun work, bad options
 * are refused before anything is queued, a full queue answers 503, a failed run says why.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSolverFactory, fileText, runBid, runSimulate, type SimulateOutput } from '../app/index.ts';
import { EXAMPLES_DIR } from './bundles.ts';
import { startTestServer, smallScenarioUpload, type TestServer } from '../../test/helpers/server.ts';
import { PRICE_CSV } from '../../test/helpers/fuzz-scenarios.ts';

let s: TestServer;
let scenarioId: string;
let simulateRun: string;
let local: SimulateOutput;
const dir = mkdtempSync(join(tmpdir(), 'wattshift-runs-test-'));

async function start(body: Record<string, unknown>, role: 'operator' | 'admin' = 'operator') {
  return s.app.inject({ method: 'POST', url: '/api/v1/runs', headers: s.as(role), payload: body });
}

beforeAll(async () => {
  s = await startTestServer({ rateLimitPerMinute: 0 });
  const upload = smallScenarioUpload();
  const up = await s.app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: s.as('operator'), payload: upload });
  expect(up.statusCode, up.body).toBe(201);
  scenarioId = up.json().scenario.id;
  const r = await start({ scenarioId, command: 'simulate' });
  expect(r.statusCode, r.body).toBe(202);
  simulateRun = r.json().id;
  // the same scenario run by the library in this process, as the CLI would
  writeFileSync(join(dir, 'small.yaml'), upload.scenario as string);
  writeFileSync(join(dir, 'price.csv'), PRICE_CSV);
  local = await runSimulate({ scenario: { file: join(dir, 'small.yaml') } }, { solverFactory: defaultSolverFactory });
  expect((await s.waitFor(simulateRun)).status).toBe('succeeded');
});
afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a simulate run', () => {
  it('answers 202 with the id, the status and links, and a Location header', async () => {
    const r = await start({ scenarioId, command: 'simulate', options: { policy: 'greedy' } });
    expect(r.statusCode).toBe(202);
    const body = r.json();
    expect(body).toMatchObject({ status: 'queued', scenarioId });
    expect(body.id).toMatch(/^[0-9A-Z]{26}$/);
    expect(r.headers.location).toBe(`/api/v1/runs/${body.id}`);
    expect(body.links.summary).toBe(`/api/v1/runs/${body.id}/summary`);
    const done = await s.waitFor(body.id);
    expect(done).toMatchObject({ status: 'succeeded', progress: 1, command: 'simulate', options: { policy: 'greedy' }, error: null });
    expect(Object.keys(done.timings as object)).toEqual(expect.arrayContaining(['materialise', 'run']));
  });

  it('stores the summary, ledger and bills the CLI writes, byte for byte', async () => {
    const files = Object.fromEntries((await local.files()).map((f) => [f.name, fileText(f)]));
    const summary = await s.app.inject({ url: `/api/v1/runs/${simulateRun}/summary`, headers: s.as('viewer') });
    expect(summary.statusCode).toBe(200);
    expect(summary.headers['content-type']).toMatch(/^application\/json/);
    expect(summary.body).toBe(files['summary.json']);
    expect(summary.headers.etag).toMatch(/^"[0-9a-f]{64}"$/);
    const again = await s.app.inject({ url: `/api/v1/runs/${simulateRun}/summary`, headers: { ...s.as('viewer'), 'if-none-match': summary.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    for (const name of ['ledger.csv', 'bills.csv']) {
      const r = await s.app.inject({ url: `/api/v1/runs/${simulateRun}/files/${name}`, headers: s.as('viewer') });
      expect(r.statusCode, name).toBe(200);
      expect(r.body, name).toBe(files[name]);
    }
    const result = await s.app.inject({ url: `/api/v1/runs/${simulateRun}/result`, headers: s.as('viewer') });
    expect(result.json()).toEqual(JSON.parse(files['summary.json']!));
    const bills = await s.app.inject({ url: `/api/v1/runs/${simulateRun}/bills`, headers: s.as('viewer') });
    expect(bills.json()).toEqual(JSON.parse(JSON.stringify(local.bills)));
    const text = await s.app.inject({ url: `/api/v1/runs/${simulateRun}/files/output.txt`, headers: s.as('viewer') });
    expect(text.body).toBe(local.text);
  });

  it('serves the report with its own Content-Security-Policy, and Brotli to clients that take it', async () => {
    const r = await s.app.inject({ url: `/api/v1/runs/${simulateRun}/files/report.html`, headers: s.as('viewer') });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(r.body)![1]!;
    expect(r.headers['content-security-policy']).toBe(`${meta}; frame-ancestors 'none'`);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    const files = await s.app.inject({ url: `/api/v1/runs/${simulateRun}/files`, headers: s.as('viewer') });
    const names = (files.json().files as Array<{ name: string }>).map((f) => f.name);
    expect(names).toEqual(['bills.csv', 'bills.json', 'ledger.csv', 'output.txt', 'report.html', 'result.json', 'summary.json']);
    const br = await s.app.inject({ url: `/api/v1/runs/${simulateRun}/summary`, headers: { ...s.as('viewer'), 'accept-encoding': 'gzip, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    const { brotliDecompressSync } = await import('node:zlib');
    expect(brotliDecompressSync(br.rawPayload).toString('utf8')).toBe((await s.app.inject({ url: `/api/v1/runs/${simulateRun}/summary`, headers: s.as('viewer') })).body);
  });

  it('ledger pages cover every (site, step) once, in order, with the values of the simulation', async () => {
    const grid = local.ledger.grid;
    const site = local.ledger.sites[0]!;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: grid.steps - 1 }), fc.integer({ min: 1, max: grid.steps }), async (limit, a, len) => {
        const b = Math.min(grid.steps, a + len);
        const iso = (step: number) => new Date(grid.startMs + step * grid.stepMinutes * 60_000).toISOString();
        const seen: number[] = [];
        let url: string | null = `/api/v1/runs/${simulateRun}/ledger?columns=gridImportKW,facilityKW&from=${iso(a)}&to=${iso(b)}&limit=${limit}`;
        while (url) {
          const r = await s.app.inject({ url, headers: s.as('viewer') });
          expect(r.statusCode, r.body).toBe(200);
          const page = r.json() as { units: string[]; rows: Array<{ step: number; values: number[] }>; next: string | null };
          expect(page.units).toEqual(['kW', 'kW']);
          expect(page.rows.length).toBeLessThanOrEqual(limit);
          for (const row of page.rows) {
            seen.push(row.step);
            expect(row.values).toEqual([site.gridImportKW[row.step], site.facilityKW[row.step]]);
          }
          url = page.next ? `/api/v1/runs/${simulateRun}/ledger?columns=gridImportKW,facilityKW&from=${iso(a)}&to=${iso(b)}&limit=${limit}&cursor=${page.next}` : null;
        }
        expect(seen).toEqual(Array.from({ length: b - a }, (_, i) => a + i));
      }),
      { numRuns: 12, seed: 8 },
    );
  });

  it('ledger pages take local times, give CSV with a Link to the next page, and refuse unknown columns with the valid ones', async () => {
    // UTC horizon: local time and UTC agree
    const r = await s.app.inject({ url: `/api/v1/runs/${simulateRun}/ledger?from=2023-01-01T05:00&to=2023-01-01T08:00&format=csv&limit=2&columns=gridImportKW,importPrice`, headers: s.as('viewer') });
    expect(r.statusCode).toBe(200);
    const lines = r.body.trim().split('\n');
    expect(lines[0]).toBe('site,step,time_utc,time_local,gridImportKW (kW),importPrice (USD/MWh)');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual(['a,5,2023-01-01T05:00:00.000Z,2023-01-01T05:00:00+00:00', 'a,6,2023-01-01T06:00:00.000Z,2023-01-01T06:00:00+00:00']);
    expect(r.headers.link).toMatch(/^<\/api\/v1\/runs\/[0-9A-Z]{26}\/ledger\?.*cursor=[\w-]+>; rel="next"$/);
    const next = await s.app.inject({ url: /<([^>]+)>/.exec(r.headers.link as string)![1]!, headers: s.as('viewer') });
    expect(next.body.trim().split('\n').slice(1).map((l) => l.split(',')[1])).toEqual(['7']);
    const bad = await s.app.inject({ url: `/api/v1/runs/${simulateRun}/ledger?columns=gridImportMW`, headers: s.as('viewer') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'QUERY_INVALID' });
    expect(bad.json().detail).toMatch(/unknown column "gridImportMW"; valid columns: itKW, /);
    const badTime = await s.app.inject({ url: `/api/v1/runs/${simulateRun}/ledger?from=yesterday`, headers: s.as('viewer') });
    expect(badTime.json()).toMatchObject({ status: 400, code: 'REQUEST_INVALID', location: { path: 'querystring.from' } });
  });

  it('gives chart data whose stacks balance (the ledger\'s energy balance) and monthly KPIs', async () => {
    const r = await s.app.inject({ url: `/api/v1/runs/${simulateRun}/charts/power?site=a&maxPoints=24`, headers: s.as('viewer') });
    expect(r.statusCode, r.body).toBe(200);
    const d = r.json() as { x: number[]; uses: Array<{ values: number[] }>; sources: Array<{ values: number[] }>; unit: string };
    expect(d.x.length).toBeLessThanOrEqual(24);
    for (let i = 0; i < d.x.length; i++) {
      const up = d.uses.reduce((a, u) => a + u.values[i]!, 0);
      const down = d.sources.reduce((a, u) => a + u.values[i]!, 0);
      expect(up).toBeCloseTo(down, 2);
    }
    const sankey = await s.app.inject({ url: `/api/v1/runs/${simulateRun}/charts/energy-flows?site=a`, headers: s.as('viewer') });
    expect(sankey.json().links.length).toBeGreaterThan(3);
    const monthly = await s.app.inject({ url: `/api/v1/runs/${simulateRun}/charts/monthly?site=a`, headers: s.as('viewer') });
    expect(monthly.json().pue.months).toEqual(['2023-01']);
    const pue = local.summary.sites[0]!.months[0]!.pue;
    expect(pue).not.toBeNull();
    expect(monthly.json().pue.pue[0]).toBeCloseTo(pue!, 9);
  });

  it('streams the run\'s events: status, progress, then the end', async () => {
    const r = await start({ scenarioId, command: 'simulate', options: { policy: 'naive' } });
    const id = r.json().id;
    // inject returns when the stream closes, which is when the run ends
    const events = await s.app.inject({ url: `/api/v1/runs/${id}/events`, headers: s.as('viewer') });
    expect(events.headers['content-type']).toMatch(/^text\/event-stream/);
    const parsed = events.body
      .split('\n\n')
      .map((block) => ({ event: /^event: (.+)$/m.exec(block)?.[1], data: /^data: (.+)$/m.exec(block)?.[1] }))
      .filter((e) => e.event);
    const kinds = parsed.map((e) => e.event);
    expect(kinds[0]).toBe('status');
    expect(kinds.at(-1)).toBe('end');
    expect(JSON.parse(parsed.at(-1)!.data!)).toEqual({ status: 'succeeded', error: null });
    const statuses = parsed.filter((e) => e.event === 'status').map((e) => JSON.parse(e.data!).status);
    expect(statuses.at(-1)).toBe('succeeded');
    const fractions = parsed.filter((e) => e.event === 'progress').map((e) => JSON.parse(e.data!).fraction as number);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]!).toBeGreaterThanOrEqual(fractions[i - 1]!);
  });
});

describe('starting runs: checks before anything is queued', () => {
  it('refuses bad options with the use case\'s message and the option\'s JSON path', async () => {
    const cases: Array<[Record<string, unknown>, RegExp, string]> = [
      [{ scenarioId, command: 'plan', options: { lookahead: -3 } }, /--lookahead must be a positive number, got "-3"/, 'body.options.lookahead'],
      [{ scenarioId, command: 'plan', options: { lookahead: 24, commit: 48 } }, /--commit \(48 h\) cannot exceed --lookahead \(24 h\)/, 'body.options.commit'],
      [{ scenarioId, command: 'simulate', options: { policy: 'cheapest' } }, /unknown policy|cheapest/, 'body.options.policy'],
      [{ scenarioId, command: 'simulate', options: { polcy: 'naive' } }, /polcy/, 'body.options'],
      [{ scenarioId, command: 'compare', options: { policies: 'naive,nope' } }, /unknown policy "nope"/, 'body.options.policies'],
      [{ scenarioId, command: 'finance', options: { workers: 1000 } }, /--workers must be a whole number from 0 to 256/, 'body.options.workers'],
      [{ scenarioId, command: 'teleport' }, /command/, 'body.command'],
      [{ command: 'simulate' }, /exactly one of example .* and scenarioId/, 'body.scenarioId'],
      [{ example: 'texas-single-site', scenarioId, command: 'simulate' }, /exactly one of example/, 'body.scenarioId'],
      [{ example: 'atlantis', command: 'simulate' }, /unknown example "atlantis"; the examples are .*texas-single-site/, 'body.example'],
      [{ scenarioId: 'f'.repeat(64), command: 'simulate' }, /no stored scenario has id f+/, 'body.scenarioId'],
    ];
    const before = (await s.store.runs.list({ limit: 500 })).runs.length;
    for (const [body, message, path] of cases) {
      const r = await start(body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      const p = r.json();
      expect(p.code, r.body).toBe('REQUEST_INVALID');
      expect(`${p.detail} ${JSON.stringify(p.errors)}`, JSON.stringify(body)).toMatch(message);
      expect(p.location?.path ?? p.errors[0].path, JSON.stringify(body)).toContain(path);
    }
    expect((await s.store.runs.list({ limit: 500 })).runs.length).toBe(before);
  });

  it('a check that needs the scenario fails the run, located, and its results say why', async () => {
    const r = await start({ scenarioId, command: 'flex', options: { day: '2030-01-01' } });
    const run = await s.waitFor(r.json().id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'OPTION_INVALID' });
    expect(JSON.stringify(run.error)).not.toMatch(/wattshift-bundle-|\/tmp\//);
    const summary = await s.app.inject({ url: `/api/v1/runs/${String(run.id)}/summary`, headers: s.as('viewer') });
    expect(summary.statusCode).toBe(409);
    expect(summary.json().detail).toMatch(/failed \(OPTION_INVALID/);
  });
});

describe('cancel, rerun and the queue', () => {
  it('cancels a running run (it stops at its next checkpoint) and a queued one (it never starts)', async () => {
    // a long sweep evaluated point by point in the run's thread, then a run queued behind it
    const long = await start({ scenarioId, command: 'sweep', options: { sweep: 'storage.energyMWh=0..400:1', workers: 0 } });
    const queued = await start({ scenarioId, command: 'simulate' });
    const longId = long.json().id, queuedId = queued.json().id;
    for (let i = 0; i < 600; i++) {
      const run = (await s.app.inject({ url: `/api/v1/runs/${longId}`, headers: s.as('viewer') })).json();
      if (run.status === 'running' && run.progress > 0) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    const c1 = await s.app.inject({ method: 'POST', url: `/api/v1/runs/${queuedId}/cancel`, headers: s.as('operator') });
    expect(c1.statusCode, c1.body).toBe(200);
    expect(c1.json().status).toBe('cancelled');
    const c2 = await s.app.inject({ method: 'POST', url: `/api/v1/runs/${longId}/cancel`, headers: s.as('operator') });
    expect(c2.json().status).toBe('cancelled');
    const t0 = Date.now();
    while (s.executor.stats().running > 0) await new Promise((res) => setTimeout(res, 20));
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect((await s.store.runs.get(queuedId))!.startedAtMs).toBeNull();
    expect(await s.store.results.list(longId)).toEqual([]);
    const again = await s.app.inject({ method: 'POST', url: `/api/v1/runs/${longId}/cancel`, headers: s.as('operator') });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toMatch(/is cancelled; only a queued or running run can be cancelled/);
  });

  it('reruns a run as a new one that names it, with the same result', async () => {
    const r = await s.app.inject({ method: 'POST', url: `/api/v1/runs/${simulateRun}/rerun`, headers: s.as('operator') });
    expect(r.statusCode).toBe(202);
    const done = await s.waitFor(r.json().id);
    expect(done).toMatchObject({ status: 'succeeded', rerunOf: simulateRun, scenarioId });
    const [a, b] = await Promise.all([simulateRun, done.id as string].map((id) => s.app.inject({ url: `/api/v1/runs/${id}/summary`, headers: s.as('viewer') })));
    expect(b!.body).toBe(a!.body);
  });

  it('answers 503 with Retry-After when the queue is full, and queues nothing', async () => {
    const t = await startTestServer({ workers: 1, maxQueue: 0 });
    try {
      const up = await t.app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: t.as('operator'), payload: smallScenarioUpload() });
      const sid = up.json().scenario.id;
      const first = await t.app.inject({ method: 'POST', url: '/api/v1/runs', headers: t.as('operator'), payload: { scenarioId: sid, command: 'sweep', options: { sweep: 'storage.energyMWh=0..100:1', workers: 0 } } });
      expect(first.statusCode).toBe(202);
      const second = await t.app.inject({ method: 'POST', url: '/api/v1/runs', headers: t.as('operator'), payload: { scenarioId: sid, command: 'simulate' } });
      expect(second.statusCode).toBe(503);
      expect(second.headers['retry-after']).toMatch(/^\d+$/);
      expect(second.json()).toMatchObject({ code: 'QUEUE_FULL', status: 503 });
      expect((await t.store.runs.list()).runs).toHaveLength(1);
      await t.app.inject({ method: 'POST', url: `/api/v1/runs/${first.json().id}/cancel`, headers: t.as('operator') });
    } finally {
      await t.close();
    }
  });
});

describe('across runs', () => {
  it('compares two runs: deltas are b − a for the fleet and each site', async () => {
    const plan = await start({ scenarioId, command: 'plan', options: { policy: 'optimal' } });
    const planId = plan.json().id;
    expect((await s.waitFor(planId)).status).toBe('succeeded');
    const r = await s.app.inject({ url: `/api/v1/compare?a=${simulateRun}&b=${planId}`, headers: s.as('viewer') });
    expect(r.statusCode, r.body).toBe(200);
    const c = r.json();
    const sa = (await s.app.inject({ url: `/api/v1/runs/${simulateRun}/summary`, headers: s.as('viewer') })).json();
    const sb = (await s.app.inject({ url: `/api/v1/runs/${planId}/summary`, headers: s.as('viewer') })).json();
    const cost = c.fleet.find((k: { kpi: string }) => k.kpi === 'energyCost');
    expect(cost).toEqual({ kpi: 'energyCost', unit: 'USD', a: sa.fleet.energyCost, b: sb.fleet.energyCost, delta: sb.fleet.energyCost - sa.fleet.energyCost, deltaPercent: ((sb.fleet.energyCost - sa.fleet.energyCost) / Math.abs(sa.fleet.energyCost)) * 100 });
    expect(c.a).toMatchObject({ id: simulateRun, policy: 'naive' });
    expect(c.b).toMatchObject({ id: planId, command: 'plan' });
    expect(c.sites.map((x: { id: string; in: string }) => [x.id, x.in])).toEqual([['a', 'both']]);
    // the plan saves against naive, as it says it does
    expect(cost.delta).toBeCloseTo(-sb.savingsVsNaive.energyCost, 1);
  });

  it('the fleet overview shows each site with its latest run\'s KPIs', async () => {
    const r = await s.app.inject({ url: '/api/v1/fleet', headers: s.as('viewer') });
    expect(r.statusCode).toBe(200);
    const sites = r.json().sites as Array<{ id: string; run: { id: string }; kpis: { pue: number } }>;
    expect(sites.map((x) => x.id)).toEqual(['a']);
    const latest = (await s.store.runs.list({ status: 'succeeded', limit: 1 })).runs[0]!;
    expect(sites[0]!.run.id).toBe(latest.id);
    const summary = (await s.app.inject({ url: `/api/v1/runs/${latest.id}/summary`, headers: s.as('viewer') })).json();
    expect(sites[0]!.kpis.pue).toBe(summary.sites[0].pue);
  });

  it('lists runs newest first with filters and pages', async () => {
    const all = (await s.app.inject({ url: '/api/v1/runs?limit=500', headers: s.as('viewer') })).json().runs as Array<{ id: string; status: string; command: string }>;
    expect(all.map((r) => r.id)).toEqual([...all.map((r) => r.id)].sort().reverse());
    const failed = (await s.app.inject({ url: '/api/v1/runs?status=failed', headers: s.as('viewer') })).json().runs as Array<{ status: string }>;
    expect(failed.length).toBeGreaterThan(0);
    expect(new Set(failed.map((r) => r.status))).toEqual(new Set(['failed']));
    const page = (await s.app.inject({ url: '/api/v1/runs?limit=2', headers: s.as('viewer') })).json();
    expect(page.runs).toHaveLength(2);
    const next = (await s.app.inject({ url: `/api/v1/runs?limit=2&cursor=${page.next}`, headers: s.as('viewer') })).json();
    expect(next.runs[0].id).toBe(all[2]!.id);
    const bad = await s.app.inject({ url: '/api/v1/runs?status=done', headers: s.as('viewer') });
    expect(bad.json()).toMatchObject({ status: 400, code: 'QUERY_INVALID' });
  });
});

describe('other commands keep their documents', () => {
  it('flex: the envelope as JSON and CSV, the base run\'s summary and ledger', async () => {
    const r = await start({ scenarioId, command: 'flex', options: { durations: '1,2' } });
    const id = r.json().id;
    expect((await s.waitFor(id)).status).toBe('succeeded');
    const env = await s.app.inject({ url: `/api/v1/runs/${id}/flex`, headers: s.as('viewer') });
    expect(env.statusCode).toBe(200);
    expect(env.json()).toHaveProperty('fleet');
    const csv = await s.app.inject({ url: `/api/v1/runs/${id}/flex?format=csv`, headers: s.as('viewer') });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect((await s.app.inject({ url: `/api/v1/runs/${id}/summary`, headers: s.as('viewer') })).json().policy).toBe('naive');
    const dr = await s.app.inject({ url: `/api/v1/runs/${id}/dr`, headers: s.as('viewer') });
    expect(dr.statusCode).toBe(404);
    expect(dr.json().detail).toMatch(/\(flex\) has no result "settlement\.json"/);
  });
});

describe('a market bid run', () => {
  it('bids a bundled example\'s market day as the library does; a day outside the horizon fails located; no day is a 400', async () => {
    const r = await start({ example: 'ercot-2021', command: 'bid', options: { day: '2021-02-16' } });
    expect(r.statusCode, r.body).toBe(202);
    const id = r.json().id;
    const local = await runBid({ scenario: { file: join(EXAMPLES_DIR, 'ercot-2021.yaml') }, day: '2021-02-16' }, { solverFactory: defaultSolverFactory });
    expect((await s.waitFor(id)).status).toBe('succeeded');
    const result = await s.app.inject({ url: `/api/v1/runs/${id}/result`, headers: s.as('viewer') });
    // equal but for how long the model took to build and solve
    const untimed = (doc: unknown): unknown => JSON.parse(JSON.stringify(doc, (k, v: unknown) => (k === 'buildSeconds' || k === 'solveSeconds' ? undefined : v)));
    expect(untimed(result.json())).toEqual(untimed(local.json));
    const files = (await s.app.inject({ url: `/api/v1/runs/${id}/files`, headers: s.as('viewer') })).json().files.map((f: { name: string }) => f.name);
    expect(files).toEqual(expect.arrayContaining(['bid.json', 'bid.csv', 'bid.html']));
    const csv = await s.app.inject({ url: `/api/v1/runs/${id}/files/bid.csv`, headers: s.as('viewer') });
    expect(csv.body).toBe(fileText((await local.files()).find((f) => f.name === 'bid.csv')!));
    // a bid has no fleet summary
    expect((await s.app.inject({ url: `/api/v1/runs/${id}/summary`, headers: s.as('viewer') })).statusCode).toBe(404);

    const outside = await start({ example: 'ercot-2021', command: 'bid', options: { day: '2019-01-01' } });
    const failed = await s.waitFor(outside.json().id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'OPTION_INVALID', location: { path: '--day' } } });
    expect((failed.error as { message: string }).message).toMatch(/not a whole market day of the scenario's horizon/);

    // options with a required field are required themselves
    for (const command of ['bid', 'sweep']) expect((await start({ example: 'ercot-2021', command })).statusCode, command).toBe(400);
    const noDay = await start({ example: 'ercot-2021', command: 'bid', options: {} });
    expect(noDay.statusCode).toBe(400);
    expect(JSON.stringify(noDay.json().errors)).toContain('day');
  });
});

describe('the fleet overview of a site without IT energy', () => {
  it('shows its PUE as null (the summary has no PUE to give), not an error', async () => {
    const t = await startTestServer();
    try {
      const up = await t.app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: t.as('operator'), payload: smallScenarioUpload() });
      const run = await t.store.runs.create({ scenarioId: up.json().scenario.id, command: 'simulate', softwareVersion: 'test' });
      await t.store.runs.start(run.id);
      const summary = { ...local.summary, sites: local.summary.sites.map((x) => ({ ...x, pue: null })) };
      await t.store.runs.complete(run.id, { results: [{ name: 'summary.json', mediaType: 'application/json', content: JSON.stringify(summary) }] });
      const r = await t.app.inject({ url: '/api/v1/fleet', headers: t.as('viewer') });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().sites.map((x: { id: string; kpis: { pue: number | null } }) => [x.id, x.kpis.pue])).toEqual([['a', null]]);
    } finally {
      await t.close();
    }
  });
});
