/**
 * Scenario uploads: each form (JSON bundle, YAML text, tar.gz), the located problems a bad one
 * gets (the same as `wattshift validate`'s), every way out of the bundle refused (absolute
 * paths, `..`, links and special files in archives, symbolic links and FIFOs in the data root),
 * request-level problems (bad JSON, too large, unknown media type), and the CLI's fuzz corpus
 * through the API: every malformed scenario and run request answered 4xx, none 5xx.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { pack, type Header } from 'tar-stream';

type Headers = Partial<Header> & Pick<Header, 'name'>;
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { RUN_COMMANDS } from '../runs/commands.ts';
import { base, fuzzCase, mutation, PRICE_CSV } from '../../test/helpers/fuzz-scenarios.ts';
import { startTestServer, smallScenarioUpload, type TestServer } from '../../test/helpers/server.ts';
import { EXAMPLES_DIR } from './bundles.ts';

let s: TestServer;
const dataRoot = mkdtempSync(join(tmpdir(), 'wattshift-data-root-'));

beforeAll(async () => {
  mkdirSync(join(dataRoot, 'series'));
  writeFileSync(join(dataRoot, 'series', 'price.csv'), PRICE_CSV);
  symlinkSync('/etc/hostname', join(dataRoot, 'series', 'escape.csv'));
  spawnSync('mkfifo', [join(dataRoot, 'series', 'pipe.csv')]);
  s = await startTestServer({ dataRoot, rateLimitPerMinute: 0 });
});
afterAll(async () => {
  await s.close();
  rmSync(dataRoot, { recursive: true, force: true });
});

const upload = (payload: unknown, headers: Record<string, string> = {}, url = '/api/v1/scenarios') =>
  s.app.inject({ method: 'POST', url, headers: { ...s.as('operator'), ...headers }, payload: payload as string });

/** The small scenario with its price series pointing at `file`, as YAML. */
function withPrice(file: string): string {
  const sc = base();
  ((sc.sites as Array<Record<string, Record<string, Record<string, unknown>>>>)[0]!.series!.price as Record<string, unknown>).file = file;
  return stringify(sc);
}

/** A tar archive (gzipped) of the given members. */
async function tarGz(members: Array<Headers & { content?: string }>): Promise<Buffer> {
  const p = pack();
  for (const { content, ...h } of members) p.entry(h, content ?? '');
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

describe('uploads', () => {
  it('JSON bundle: 201 with the validation, listed, its files downloadable; the same bundle again is found (200)', async () => {
    const r = await upload(smallScenarioUpload(undefined, 'small-one'));
    expect(r.statusCode, r.body).toBe(201);
    const body = r.json();
    expect(body.created).toBe(true);
    expect(body.validation).toMatchObject({ ok: true, scenario: 'small-one', steps: 48, stepMinutes: 60 });
    expect(body.scenario).toMatchObject({ name: 'small-one', entry: 'small.yaml' });
    expect(body.scenario.files.map((f: { path: string }) => f.path).sort()).toEqual(['price.csv', 'small.yaml']);
    expect(r.headers.location).toBe(`/api/v1/scenarios/${body.scenario.id}`);
    const again = await upload(smallScenarioUpload(undefined, 'small-one'));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: false, scenario: { id: body.scenario.id } });
    const file = await s.app.inject({ url: `/api/v1/scenarios/${body.scenario.id}/files/price.csv`, headers: s.as('viewer') });
    expect(file.body).toBe(PRICE_CSV);
    const list = await s.app.inject({ url: '/api/v1/scenarios', headers: s.as('viewer') });
    expect(list.json().scenarios.map((x: { id: string }) => x.id)).toContain(body.scenario.id);
  });

  it('YAML text: files it names are taken from the data root into the stored bundle', async () => {
    const r = await upload(withPrice('series/price.csv'), { 'content-type': 'application/yaml' }, '/api/v1/scenarios?name=from-root');
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().scenario.files.map((f: { path: string }) => f.path).sort()).toEqual(['scenario.yaml', 'series/price.csv']);
    expect(r.json().scenario.name).toBe('from-root');
  });

  it('a bundled example uploaded as text alone against the examples folder as data root', async () => {
    const t = await startTestServer({ dataRoot: EXAMPLES_DIR });
    try {
      const { readFileSync } = await import('node:fs');
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: { ...t.as('operator'), 'content-type': 'text/yaml' }, payload: readFileSync(join(EXAMPLES_DIR, 'texas-single-site.yaml'), 'utf8') });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().scenario.files.map((f: { path: string }) => f.path).sort()).toEqual(['data/markets/US-TEX-ERCO/carbon-2023.csv.gz', 'data/markets/US-TEX-ERCO/prices-2023.csv.gz', 'data/markets/US-TEX-ERCO/weather-2023.json.gz', 'scenario.yaml']);
      expect(r.json().validation).toMatchObject({ scenario: 'texas-single-site', steps: 8760 });
    } finally {
      await t.close();
    }
  });

  it('tar.gz archive: the one scenario file at the top is the entry', async () => {
    const archive = await tarGz([
      { name: './', type: 'directory' },
      { name: './s.yaml', content: stringify(base()) },
      { name: './price.csv', content: PRICE_CSV },
    ]);
    const r = await upload(archive, { 'content-type': 'application/gzip' }, '/api/v1/scenarios/archive');
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().scenario.entry).toBe('s.yaml');
  });
});

describe('bad scenarios get the located problems validate gives', () => {
  it('a syntax error: 400 SCENARIO_SYNTAX with line and column', async () => {
    const r = await upload({ scenario: 'name: x\nsites: [\n', entry: 'bad.yaml' });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.json()).toMatchObject({ code: 'SCENARIO_SYNTAX', status: 400, location: { file: 'bad.yaml', line: expect.any(Number), column: expect.any(Number) } });
  });

  it('a schema error: 422 SCENARIO_INVALID with the JSON path and its line', async () => {
    const r = await upload(smallScenarioUpload((sc) => (((sc.sites as Array<Record<string, Record<string, unknown>>>)[0]!.grid!).importLimitMW = -5)));
    expect(r.statusCode).toBe(422);
    const p = r.json();
    expect(p).toMatchObject({ code: 'SCENARIO_INVALID', location: { file: 'small.yaml', path: 'sites[0].grid.importLimitMW' } });
    expect(p.location.line).toBeGreaterThan(1);
    expect(p.errors[0].message).toBe(p.detail);
  });

  it('names every missing file, each located', async () => {
    const sc = base();
    const site = (sc.sites as Array<Record<string, Record<string, Record<string, unknown>>>>)[0]!;
    (site.series!.price as Record<string, unknown>).file = 'missing-a.csv';
    site.series!.carbonIntensity = { file: 'missing-b.csv', format: 'csv', timeColumn: 'time', valueColumn: 'g', unit: 'gCO2/kWh' };
    const r = await upload({ scenario: stringify(sc), entry: 'm.yaml' });
    expect(r.statusCode).toBe(422);
    const p = r.json();
    expect(p).toMatchObject({ code: 'FILE_NOT_FOUND', location: { file: 'm.yaml', path: 'sites[0].series.price.file' } });
    expect(p.detail).toMatch(/file "missing-a\.csv" is not in the upload, and in the server's data root it does not exist/);
    expect(JSON.stringify(p.errors)).toMatch(/missing-b\.csv/);
  });

  it('refuses every way out of the bundle: absolute paths, "..", symbolic links and FIFOs in the data root', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/etc/passwd', /file "\/etc\/passwd" is an absolute path/],
      ['../outside.csv', /lies outside the scenario's bundle \(".."\)/],
      ['series/../../x.csv', /lies outside the scenario's bundle/],
      ['series/escape.csv', /symbolic link to a place outside the folder/],
      ['series/pipe.csv', /named pipe \(FIFO\); only regular files are read/],
      ['C:\\data\\x.csv', /absolute path/],
    ];
    for (const [file, message] of cases) {
      const r = await upload(withPrice(file), { 'content-type': 'application/yaml' });
      expect(r.statusCode, file).toBe(422);
      expect(r.json().detail, file).toMatch(message);
      expect(r.json().location.path).toBe('sites[0].series.price.file');
      expect(r.body).not.toContain(dataRoot);
      expect(r.body).not.toMatch(/root:x:0/);
    }
  });

  it('refuses archives with links, devices, FIFOs, absolute or escaping names, or several scenario candidates', async () => {
    const ok = [{ name: 's.yaml', content: stringify(base()) }, { name: 'price.csv', content: PRICE_CSV }];
    const cases: Array<[Array<Headers & { content?: string }>, RegExp]> = [
      [[...ok, { name: 'link.csv', type: 'symlink', linkname: '/etc/passwd' }], /member "link\.csv" is a symbolic link; a bundle holds regular files only/],
      [[...ok, { name: 'hard.csv', type: 'link', linkname: 'price.csv' }], /is a hard link/],
      [[...ok, { name: 'zero', type: 'character-device', devmajor: 1, devminor: 5 }], /is a character-device/],
      [[...ok, { name: 'fifo', type: 'fifo' }], /is a fifo/],
      [[...ok, { name: '/etc/cron.d/x', content: 'x' }], /is absolute/],
      [[...ok, { name: '../x.csv', content: 'x' }], /contains "\.\."/],
      [[...ok, { name: 't.yaml', content: 'x' }], /several scenario candidates \(s\.yaml, t\.yaml\); name one with \?entry=/],
    ];
    for (const [members, message] of cases) {
      const r = await upload(await tarGz(members), { 'content-type': 'application/gzip' }, '/api/v1/scenarios/archive');
      expect(r.statusCode, String(message)).toBe(400);
      expect(r.json().code).toBe('BUNDLE_INVALID');
      expect(r.json().detail).toMatch(message);
    }
    const notTar = await upload(gzipSync(Buffer.from('hello')), { 'content-type': 'application/gzip' }, '/api/v1/scenarios/archive');
    expect(notTar.statusCode).toBe(400);
  });

  it('refuses an archive that expands beyond the upload limit (a gzip bomb)', async () => {
    const t = await startTestServer({ uploadLimitBytes: 1 << 20 });
    try {
      const bomb = gzipSync(Buffer.alloc(8 << 20));
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/scenarios/archive', headers: { ...t.as('operator'), 'content-type': 'application/gzip' }, payload: bomb });
      expect(r.statusCode).toBe(400);
      expect(r.json().detail).toMatch(/expands to more than 1 MB/);
      const big = await t.app.inject({ method: 'POST', url: '/api/v1/scenarios', headers: t.as('operator'), payload: { scenario: 'x'.repeat(2 << 20) } });
      expect(big.statusCode).toBe(413);
      expect(big.json().code).toBe('BODY_TOO_LARGE');
    } finally {
      await t.close();
    }
  });

  it('request problems: bad JSON, unknown fields, an unknown media type, a YAML alias bomb', async () => {
    const badJson = await upload('{"scenario": ', { 'content-type': 'application/json' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().code).toBe('REQUEST_INVALID');
    const unknown = await upload({ scenario: 'x', file: {} });
    expect(unknown.json()).toMatchObject({ status: 400, code: 'REQUEST_INVALID' });
    expect(JSON.stringify(unknown.json().errors)).toMatch(/body/);
    const media = await upload('<x/>', { 'content-type': 'application/xml' });
    expect(media.statusCode).toBe(415);
    expect(media.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    let bomb = 'a: &a [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++) bomb += `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]\n`;
    const aliases = await upload(bomb, { 'content-type': 'application/yaml' });
    expect(aliases.statusCode).toBe(400);
    expect(aliases.json()).toMatchObject({ code: 'SCENARIO_SYNTAX' });
  });

  it('404 for unknown routes and stored things, as problem documents', async () => {
    const route = await s.app.inject({ url: '/api/v1/nope', headers: s.as('viewer') });
    expect(route.statusCode).toBe(404);
    expect(route.json()).toMatchObject({ code: 'NOT_FOUND', type: 'https://wattshift.dev/problems/NOT_FOUND' });
    const sc = await s.app.inject({ url: `/api/v1/scenarios/${'0'.repeat(64)}`, headers: s.as('viewer') });
    expect(sc.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const run = await s.app.inject({ url: '/api/v1/runs/01ARZ3NDEKTSV4RRFFQ69G5FAV', headers: s.as('viewer') });
    expect(run.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});

describe('the fuzz corpus through the API', () => {
  it('every malformed scenario upload is answered 4xx with a located problem, none 5xx', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const c = fuzzCase(m);
        if (!c) return;
        const files = Object.fromEntries(Object.entries(c.files).map(([k, v]) => [k, { text: v }]));
        const r = await upload({ scenario: c.text, entry: c.name, files });
        const what = `mutation ${JSON.stringify(m)}: ${r.body}`;
        expect(r.statusCode, what).toBeGreaterThanOrEqual(400);
        expect(r.statusCode, what).toBeLessThan(500);
        const p = r.json();
        expect(p.code, what).toMatch(/^[A-Z_]+$/);
        expect(p.code, what).not.toBe('INTERNAL');
        expect(JSON.stringify(p), what).toMatch(/\.(yaml|csv)/); // the file at fault is named
        expect(r.body).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
        checked++;
      }),
      { numRuns: 250, seed: 20261202 },
    );
    expect(checked).toBeGreaterThan(200);
  }, 180_000);

  it('every malformed run request is answered 4xx, none 5xx; an accepted one is 202', async () => {
    const up = await upload(smallScenarioUpload(undefined, 'fuzz-target'));
    const scenarioId = up.json().scenario.id as string;
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }), fc.constantFrom('-1', '1e400', 'NaN', '0', 'perfect', 'rolling', '2023-01-01T05:00/3', '__proto__'));
    const body = fc.record(
      {
        command: fc.oneof(fc.constantFrom(...RUN_COMMANDS), fc.string({ maxLength: 8 })),
        scenarioId: fc.oneof(fc.constant(scenarioId), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }), fc.string({ maxLength: 5 })),
        options: fc.dictionary(fc.constantFrom('policy', 'lookahead', 'commit', 'forecast', 'noise', 'seed', 'solver', 'timeLimit', 'points', 'lpMethod', 'workers', 'event', 'reduce', 'measure', 'day', 'durations', 'targetMw', 'sweep', 'policies', 'bogus'), value, { maxKeys: 4 }),
        example: fc.constantFrom('texas-single-site', 'nope', '../../etc'),
      },
      { requiredKeys: [] },
    );
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const r = await s.app.inject({ method: 'POST', url: '/api/v1/runs', headers: s.as('operator'), payload: b });
        statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
        expect(r.statusCode, `${JSON.stringify(b)}: ${r.body}`).toBeLessThan(500);
        if (r.statusCode === 202) await s.app.inject({ method: 'POST', url: `/api/v1/runs/${r.json().id}/cancel`, headers: s.as('operator') });
        else expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      }),
      { numRuns: 300, seed: 7 },
    );
    expect(statuses.get(400)).toBeGreaterThan(100);
    expect(statuses.get(202)).toBeGreaterThan(0);
    expect(Object.prototype).not.toHaveProperty('polluted');
  }, 120_000);
});
