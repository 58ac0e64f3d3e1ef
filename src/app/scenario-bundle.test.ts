import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.ts';
import { sweepScenarioFromFile } from '../finance/sweep-point.ts';
import { bundleId, materialiseBundle } from '../store/bundle.ts';
import { loadScenarioInput } from './scenario-input.ts';
import { namedFiles, scenarioBundle } from './scenario-bundle.ts';

const TEXAS = fileURLToPath(new URL('../../examples/texas-single-site.yaml', import.meta.url));

describe('scenarioBundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wattshift-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the scenario file and every file it names; loaded from a folder it gives the same model', async () => {
    const s = sweepScenarioFromFile(TEXAS);
    const b = scenarioBundle(s);
    expect(b.entry).toBe('texas-single-site.yaml');
    expect(b.files.map((f) => f.path).sort()).toEqual(['texas-single-site.yaml', ...namedFiles(s.data)].sort());
    expect(namedFiles(s.data).length).toBeGreaterThanOrEqual(3);
    expect(bundleId(scenarioBundle(sweepScenarioFromFile(TEXAS)))).toBe(bundleId(b)); // same files, same address
    const m = await materialiseBundle(b);
    try {
      const there = loadScenarioInput({ file: m.entryPath });
      const here = loadScenarioInput({ file: TEXAS });
      expect(there.model.sites[0]!.importPrice).toEqual(here.model.sites[0]!.importPrice);
      expect(there.model.sites[0]!.carbonIntensity).toEqual(here.model.sites[0]!.carbonIntensity);
      expect(there.model.sites[0]!.temperatureC).toEqual(here.model.sites[0]!.temperatureC);
      expect(there.source.data).toEqual(here.source.data);
    } finally {
      await m.cleanup();
    }
  });

  it('keeps files above the scenario\'s folder inside the bundle, and names a missing one', () => {
    mkdirSync(join(dir, 'scenarios'));
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'p.csv'), 'time,price\n');
    const data = { name: 'x', sites: [{ series: { price: { file: '../data/p.csv' } } }] };
    writeFileSync(join(dir, 'scenarios', 's.yaml'), JSON.stringify(data));
    const b = scenarioBundle({ file: join(dir, 'scenarios', 's.yaml'), baseDir: join(dir, 'scenarios'), data });
    expect(b.entry).toBe('scenarios/s.yaml');
    expect(b.files.map((f) => f.path).sort()).toEqual(['data/p.csv', 'scenarios/s.yaml']);
    const missing = { ...data, sites: [{ series: { price: { file: 'nowhere.csv' } } }] };
    expect(() => scenarioBundle({ file: join(dir, 'scenarios', 's.yaml'), baseDir: join(dir, 'scenarios'), data: missing })).toThrow(InputError);
    expect(() => scenarioBundle({ file: join(dir, 'scenarios', 's.yaml'), baseDir: join(dir, 'scenarios'), data: missing })).toThrow(/nowhere\.csv/);
  });
});
