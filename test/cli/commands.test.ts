import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { BIN, ROOT, runInProcess, runProcess } from './run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'wattshift-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('wattshift as a process', () => {
  it('prints help with examples and exits 0', () => {
    const r = runProcess(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Examples:');
    expect(r.out).toContain('simulate');
  });

  it('exits 2 with file:line:column for a bad value', () => {
    const f = join(tmp, 'bad.yaml');
    writeFileSync(f, readFileSync(join(ROOT, 'examples/texas-single-site.yaml'), 'utf8').replace('importLimitMW: 75', 'importLimitMW: -75'));
    const r = runProcess(['validate', f]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.yaml:\d+:\d+ \(at sites\[0\]\.grid\.importLimitMW\): found -75/);
    expect(r.err).not.toContain('    at '); // no stack trace
  });

  it('exits 2 for an unknown option and for a missing file', () => {
    expect(runProcess(['simulate', 'examples/texas-single-site.yaml', '--frobnicate']).code).toBe(2);
    const r = runProcess(['validate', join(tmp, 'nope.yaml')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/scenario file ".*nope.yaml" does not exist/);
  });
});

describe('a reader that closes the pipe early', () => {
  it('ends the program quietly: no EPIPE stack trace, exit code 0 (wattshift --help | head -1, wattshift schema | head -1)', () => {
    for (const args of ['--help', 'schema']) {
      const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" ${args} | head -c 1 >/dev/null; exit \${PIPESTATUS[0]}`], { encoding: 'utf8' });
      expect(r.stderr, args).toBe('');
      expect(r.status, args).toBe(0);
    }
  });
});

describe('simulate', () => {
  it('prints the summary contract with --json', async () => {
    const r = await runInProcess(['simulate', join(ROOT, 'examples/phoenix-2025.yaml'), '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    for (const k of ['scenario', 'policy', 'horizon', 'currency', 'fleet', 'sites', 'checks']) expect(s).toHaveProperty(k);
    for (const k of ['start', 'end', 'stepMinutes', 'steps']) expect(s.horizon).toHaveProperty(k);
    const fields = ['itEnergyMWh', 'facilityEnergyMWh', 'pue', 'gridImportMWh', 'directGreenMWh', 'directGreenRatio', 'renewableShare', 'co2Tonnes', 'energyCost', 'peakImportMW', 'tokens', 'tokensPerJouleIT', 'tokensPerJouleFacility', 'energyCostPerMillionTokens', 'unservedWork', 'lateJobs'];
    for (const k of fields) {
      expect(s.fleet).toHaveProperty(k);
      expect(s.sites[0]).toHaveProperty(k);
    }
    expect(s.sites[0].id).toBe('phoenix');
    expect(s.horizon.steps).toBe(26);
    expect(s.checks.maxEnergyBalanceErrorKWh).toBeLessThan(1e-6);
  });

  it('writes summary, ledger, bills and report with --out, and nothing on failure', async () => {
    const out = join(tmp, 'run');
    const r = await runInProcess(['simulate', join(ROOT, 'examples/phoenix-2025.yaml'), '--out', out]);
    expect(r.code).toBe(0);
    for (const f of ['summary.json', 'ledger.csv', 'bills.csv', 'report.html']) expect(existsSync(join(out, f))).toBe(true);
    const ledger = readFileSync(join(out, 'ledger.csv'), 'utf8').trim().split('\n');
    expect(ledger).toHaveLength(1 + 26);
    expect(ledger[0]).toContain('grid_import_kW');
    const out2 = join(tmp, 'run2');
    const bad = await runInProcess(['simulate', join(tmp, 'missing.yaml'), '--out', out2]);
    expect(bad.code).toBe(2);
    expect(existsSync(out2)).toBe(false);
  });
});

describe('schema', () => {
  it('prints a JSON Schema that names the scenario fields', async () => {
    const r = await runInProcess(['schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.out);
    expect(schema.$schema).toContain('json-schema.org');
    expect(schema.properties.sites.type).toBe('array');
    expect(JSON.stringify(schema)).toContain('importLimitMW');
  });
});

describe('bad planning options end in exit code 2 with the option named', () => {
  const phoenix = join(ROOT, 'examples/phoenix-2025.yaml');
  for (const [args, option] of [
    [['--solver', 'native-foo'], '--solver'],
    [['--forecast', 'crystal-ball'], '--forecast'],
    [['--lp-method', 'magic'], '--lp-method'],
    [['--policy', 'rolling', '--lookahead', '24', '--commit', '48'], '--commit'],
    [['--points', '-3'], '--points'],
    [['--event', '2025-05-03T23:00/3'], '--event'],
    [['--event', '2025-05-03T16:00/3', '--reduce', '150'], '--reduce'],
    [['--queue', 'redis://127.0.0.1:1', '--db', 'x.db', '--job-tries', '0'], '--job-tries must be a whole number from 1 to 100, found "0"'],
    // queue numbers are checked without --queue too
    [['--pack-sites', '0'], '--pack-sites must be a whole number from 1 to 10000, found "0"'],
  ] as const) {
    it(`plan ${args.join(' ')}`, async () => {
      const r = await runInProcess(['plan', phoenix, ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(option);
      expect(r.err).not.toContain('internal error');
    });
  }
  it('finance --job-tries that is not a whole number of tries', async () => {
    const r = await runInProcess(['finance', phoenix, '--sweep', 'storage.energyMWh=0,1', '--queue', 'redis://127.0.0.1:1', '--db', 'x.db', '--job-tries', '2.5']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--job-tries must be a whole number from 1 to 100, found "2.5"');
  });
  it('compare --job-tries that is not a whole number of tries, before any policy runs', async () => {
    const r = await runInProcess(['compare', phoenix, '--job-tries', '101']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--job-tries must be a whole number from 1 to 100, found "101"');
    expect(r.out).toBe('');
  });
  it('compare with an unknown policy', async () => {
    const r = await runInProcess(['compare', phoenix, '--policies', 'naive,clairvoyant']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('clairvoyant');
  });
});

describe('an output folder that cannot be written', () => {
  it('--out naming an existing file, /dev/null or /dev/full, or an empty --out, is bad input (exit 2)', async () => {
    const file = join(tmp, 'not-a-folder');
    writeFileSync(file, 'x');
    for (const out of [file, '/dev/null', '/dev/full']) {
      const r = await runInProcess(['simulate', join(ROOT, 'examples/phoenix-2025.yaml'), '--out', out]);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(/^error \[OUTPUT_UNWRITABLE\]: .*which is a (file|device), not a folder/);
    }
    const r = await runInProcess(['simulate', join(ROOT, 'examples/phoenix-2025.yaml'), '--out', '']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out <dir>' argument '' is invalid\. it is empty/);
  });

  it('ends in exit code 2 naming the folder, not an internal error', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const r = await runInProcess(['simulate', join(ROOT, 'examples/phoenix-2025.yaml'), '--out', join(file, 'out')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error \[OUTPUT_UNWRITABLE\]: at --out: cannot \w+ .*a-file/);
  });
});
