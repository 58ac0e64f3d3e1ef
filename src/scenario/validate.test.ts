import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.ts';
import { parseScenarioText } from './source.ts';
import { validateScenario } from './validate.ts';
import { h100Site, scenarioYaml } from '../../test/helpers/scenario-yaml.ts';

const base = scenarioYaml({ name: 't', horizon: 'start: 2023-01-01T00:00, hours: 24, timeZone: UTC', sites: [h100Site('a', 8)] });

function errorOf(text: string): InputError {
  try {
    validateScenario(parseScenarioText(text, 'scn.yaml'));
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('scenario validation messages', () => {
  it('accepts a minimal scenario and fills defaults', () => {
    const s = validateScenario(parseScenarioText(base, 'scn.yaml'));
    expect(s.currency).toBe('USD');
    expect(s.horizon.stepMinutes).toBe(60);
    expect(s.sites[0]!.facility.upsEfficiency).toBe(0.97);
    expect(s.workloads).toEqual([]);
  });

  it('reports YAML syntax errors with line and column', () => {
    const e = errorOf('name: t\nhorizon: { start: 2023\n  hours: [1, 2\n');
    expect(e.code).toBe('SCENARIO_SYNTAX');
    expect(e.location.file).toBe('scn.yaml');
    expect(e.location.line).toBeGreaterThanOrEqual(2);
    expect(e.format()).toMatch(/^scn\.yaml:\d+:\d+: syntax error/);
  });

  it('names the JSON path, the line, what was found and what is valid', () => {
    const e = errorOf(base.replace('importLimitMW: 10', 'importLimitMW: -5'));
    expect(e.code).toBe('SCENARIO_INVALID');
    expect(e.location.path).toBe('sites[0].grid.importLimitMW');
    expect(e.location.line).toBe(7);
    expect(e.message).toContain('found -5');
    expect(e.message).toContain('must be > 0');
  });

  it('takes kW instead of MW (exactly one of the two), converting to the internal unit', () => {
    const s = validateScenario(parseScenarioText(base.replace('importLimitMW: 10', 'importLimitKW: 1.14'), 'scn.yaml'));
    expect(s.sites[0]!.grid.importLimitMW).toBe(0.00114);
    const both = errorOf(base.replace('importLimitMW: 10', 'importLimitMW: 10, importLimitKW: 10'));
    expect(both.location.path).toBe('sites[0].grid.importLimitKW');
    expect(both.message).toContain('give either importLimitMW or importLimitKW, not both');
    const none = errorOf(base.replace('importLimitMW: 10', 'exportLimitMW: 1'));
    expect(none.location.path).toBe('sites[0].grid.importLimitMW');
    expect(none.message).toContain('give importLimitMW (or importLimitKW)');
    const flat = validateScenario(parseScenarioText(base.replace('pricePerMWh: 50', 'pricePerKWh: 0.12'), 'scn.yaml'));
    expect(flat.sites[0]!.tariff.energy).toEqual({ type: 'flat', pricePerMWh: 120 });
  });

  it('allows a site without IT when it has loads, and says what is missing otherwise', () => {
    const loadsOnly = base.replace('it: [{ accelerator: H100, gpus: 8 }]\n    facility: { cooling: { archetype: air } }', 'it: []\n    loads: [{ id: office, kind: building, power: { constant: 40, unit: kW } }]');
    expect(validateScenario(parseScenarioText(loadsOnly, 'scn.yaml')).sites[0]!.it).toEqual([]);
    const empty = errorOf(base.replace('it: [{ accelerator: H100, gpus: 8 }]', 'it: []'));
    expect(empty.location.path).toBe('sites[0].it');
    expect(empty.message).toContain('a site needs IT');
    const noFacility = errorOf(base.replace('    facility: { cooling: { archetype: air } }\n', ''));
    expect(noFacility.location.path).toBe('sites[0].facility');
  });

  it('shows .nan and .inf as what they are (JSON would print null), and 1e308 with its bound', () => {
    expect(errorOf(base.replace('importLimitMW: 10', 'importLimitMW: .nan')).message).toMatch(/found NaN/);
    expect(errorOf(base.replace('pricePerMWh: 50', 'pricePerMWh: -.inf')).message).toMatch(/found -Infinity/);
    const e = errorOf(base.replace('pricePerMWh: 50', 'pricePerMWh: 1e308'));
    expect(e.location.path).toBe('sites[0].tariff.energy.pricePerMWh');
    expect(e.message).toMatch(/found 1e\+308; the value must be <= 1000000/);
  });

  it('suggests the closest field name for a typo', () => {
    const e = errorOf(base.replace('importLimitMW', 'importLimitMw'));
    expect(e.format()).toContain('did you mean "importLimitMW"');
  });

  it('says where a fixed-unit series format takes its unit from, instead of suggesting the field itself', () => {
    const priced = base.replace('    tariff: { energy: { type: flat, pricePerMWh: 50 } }\n', '    tariff: { energy: { type: spot } }\n    series:\n      price: { file: p.csv, format: market-prices, unit: EUR/MWh }\n');
    const e = errorOf(priced);
    expect(e.location.path).toBe('sites[0].series.price.unit');
    expect(e.message).not.toContain('did you mean "unit"');
    expect(e.message).toContain('fixes its unit');
    expect(e.message).toContain('"currency"');
    expect(e.message).toContain('Price (USD/MWh)');
    const carbon = errorOf(priced.replace('price: { file: p.csv, format: market-prices, unit: EUR/MWh }', 'carbonIntensity: { file: c.csv, format: electricity-maps, unit: g/kWh }'));
    expect(carbon.message).toContain('gCO2eq/kWh for carbonIntensityDirect');
    // a typo in a file reference is matched against that format's fields, not the first format's
    const typo = errorOf(priced.replace('unit: EUR/MWh', 'maxGapHour: 3'));
    expect(typo.message).toContain('did you mean "maxGapHours"');
    expect(typo.message).not.toContain('valueColumn');
  });

  it('lists valid values of an enumeration', () => {
    const e = errorOf(base.replace('archetype: air', 'archetype: water'));
    expect(e.message).toContain('"air", "cold-plate", "immersion"');
    expect(e.location.path).toBe('sites[0].facility.cooling.archetype');
  });

  it('lists valid discriminator values', () => {
    const e = errorOf(base.replace('type: flat', 'type: dynamic'));
    expect(e.message).toContain('"spot"');
    expect(e.message).toContain('"tou"');
  });

  it('collects every problem, not only the first', () => {
    const e = errorOf(base.replace('latitude: 30', 'latitude: 300').replace('gpus: 8', 'gpus: 0'));
    expect(e.details.length).toBe(2);
    expect(e.format()).toContain('sites[0].latitude');
    expect(e.format()).toContain('sites[0].it[0].gpus');
  });

  it('rejects a top level that is not a mapping', () => {
    expect(errorOf('- 1\n- 2\n').code).toBe('SCENARIO_INVALID');
  });

  it('reads JSON as well as YAML', () => {
    const json = JSON.stringify({ name: 't', horizon: { start: '2023-01-01T00:00', hours: 24 }, sites: [] });
    const e = errorOf(json);
    expect(e.location.path).toBe('sites');
    expect(e.message).toContain('number of items must be >= 1');
  });
});
