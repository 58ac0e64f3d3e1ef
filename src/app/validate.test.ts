import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../../test/cli/run-cli.ts';
import { InputError } from '../errors/index.ts';
import { runValidate, validateErrorJson } from './validate.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'wattshift-validate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The Texas example with two bad values (the schema pass fails before any series is read). */
function badScenario(): string {
  const f = join(tmp, 'texas-bad.yaml');
  const text = readFileSync(join(ROOT, 'examples/texas-single-site.yaml'), 'utf8').replace('importLimitMW: 75', 'importLimitMW: -75').replace('timeZone: America/Chicago', 'timeZone: 7');
  writeFileSync(f, text);
  return f;
}

describe('validate --json on bad input', () => {
  it('lists every problem with its code and location', async () => {
    const f = badScenario();
    const e = await runValidate({ scenario: { file: f } }).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    const j = validateErrorJson(e as InputError);
    expect(j.ok).toBe(false);
    expect(j.code).toBe('SCENARIO_INVALID');
    expect(j.errors.length).toBe(2);
    const limit = j.errors.find((x) => x.path === 'sites[0].grid.importLimitMW')!;
    expect(limit.message).toContain('found -75');
    expect(limit.line).toBeGreaterThan(0);
    expect(limit.column).toBeGreaterThan(0);
    expect(limit.file).toBe(f);
    expect(j.errors.map((x) => x.path)).toContain('horizon.timeZone');
  });

  it('prints the errors as JSON on stdout and exits 2; the message still goes to stderr', async () => {
    const r = await runInProcess(['validate', join(tmp, 'missing.yaml'), '--json']);
    expect(r.code).toBe(2);
    const j = JSON.parse(r.out);
    expect(j).toEqual({ ok: false, code: 'FILE_NOT_FOUND', errors: [expect.objectContaining({ code: 'FILE_NOT_FOUND', file: join(tmp, 'missing.yaml') })] });
    expect(r.err).toContain('does not exist');
  });

  it('prints one JSON document per problem pass for a schema error', async () => {
    const f = join(tmp, 'bad.yaml');
    writeFileSync(f, 'name: x\nhorizon: {start: 2023-01-01T00:00, hours: 24, timeZone: UTC}\nsites: []\nbogus: 1\n');
    const r = await runInProcess(['validate', f, '--json']);
    expect(r.code).toBe(2);
    const j = JSON.parse(r.out);
    expect(j.ok).toBe(false);
    expect(j.errors.length).toBeGreaterThanOrEqual(1);
    expect(j.errors.every((x: { code: string; file: string }) => x.code === 'SCENARIO_INVALID' && x.file === f)).toBe(true);
  });
});

describe('validate on held-out data in another zone', () => {
  it('says the first local hours were held at the first value, not interpolated', async () => {
    // ERCOT 2023 prices are in UTC; a Shanghai year starts 8 h before the file's first hour
    const text = `name: held-out
horizon: { start: 2023-01-01T00:00, end: 2023-01-03T00:00, timeZone: Asia/Shanghai }
sites:
  - id: a
    latitude: 31
    longitude: 121
    grid: { importLimitMW: 10 }
    it: [{ accelerator: H100, gpus: 8 }]
    facility: { cooling: { archetype: air } }
    tariff: { energy: { type: spot } }
    series:
      price: { file: data/markets/US-TEX-ERCO/prices-2023.csv.gz, format: market-prices }
`;
    const r = await runValidate({ scenario: { text, baseDir: join(ROOT, 'examples'), name: 'held-out.yaml' } });
    const price = r.json.series.find((s) => s.name.endsWith('price'))!;
    expect(price.gapSteps).toBe(8);
    expect(price.heldAtStartSteps).toBe(8);
    expect(r.text).toContain("8 missing steps in 1 gap (longest 8): the first 8 steps (before the file's first value) held at the first value");
    expect(r.text).not.toContain('filled by linear');
  });
});
