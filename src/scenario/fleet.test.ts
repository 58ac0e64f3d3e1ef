import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.ts';
import { loadScenarioText } from '../pipeline.ts';
import { h100Site, scenarioYaml } from '../../test/helpers/scenario-yaml.ts';

const base = (fleet: string) =>
  scenarioYaml({ name: 't', horizon: 'start: 2023-01-01T00:00, hours: 24, timeZone: UTC', sites: [h100Site('a', 8), h100Site('b', 8)], rest: `${fleet}\n` });

function errorOf(text: string): InputError {
  try {
    loadScenarioText(text, process.cwd(), 'scn.yaml');
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('scenario fleet section (fleet-wide limits)', () => {
  it('resolves the import cap to a series on the grid, overrides replacing the default in their window', () => {
    const r = loadScenarioText(
      base('fleet: { importCapMW: 12, importCapOverrides: [{ from: 2023-01-01T06:00, to: 2023-01-01T09:00, importCapMW: 8 }], co2BudgetTonnes: 3, directGreenShareMin: 0.6 }'),
      process.cwd(),
    );
    const f = r.fleet!;
    expect(f.siteIndices).toEqual([0, 1]);
    expect(Array.from(f.importCapKW!.slice(4, 11))).toEqual([12000, 12000, 8000, 8000, 8000, 12000, 12000]);
    expect(f.co2BudgetTonnes).toBe(3);
    expect(f.directGreenShareMin).toBe(0.6);
  });

  it('limits a named group of sites', () => {
    expect(loadScenarioText(base('fleet: { sites: [b], importCapMW: 5 }'), process.cwd()).fleet!.siteIndices).toEqual([1]);
  });

  it('names an unknown site with its path and line', () => {
    const e = errorOf(base('fleet: { sites: [a, c], importCapMW: 5 }'));
    expect(e.code).toBe('SCENARIO_REFERENCE');
    expect(e.location.path).toBe('fleet.sites[1]');
    expect(e.location.line).toBe(18);
    expect(e.message).toMatch(/unknown site "c".*a, b/);
  });

  it('needs importCapMW for overrides to replace', () => {
    const e = errorOf(base('fleet: { importCapOverrides: [{ from: 2023-01-01T06:00, to: 2023-01-01T09:00, importCapMW: 8 }] }'));
    expect(e.code).toBe('SCENARIO_INVALID');
    expect(e.location.path).toBe('fleet.importCapMW');
  });

  it('rejects out-of-range values, saying what is valid', () => {
    const share = errorOf(base('fleet: { directGreenShareMin: 1.5 }'));
    expect(share.code).toBe('SCENARIO_INVALID');
    expect(share.location.path).toBe('fleet.directGreenShareMin');
    const cap = errorOf(base('fleet: { importCapMW: -1 }'));
    expect(cap.location.path).toBe('fleet.importCapMW');
    expect(errorOf(base('fleet: { co2BudgetTons: 5 }')).message).toMatch(/co2BudgetTonnes/);
  });
});
