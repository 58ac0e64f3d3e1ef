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
    expect(r.err).toContain('cannot read scenario file');
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
