import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, loadScenarioText, plan } from '../pipeline.ts';
import { InputError } from '../errors/index.ts';
import { checkLpSize, estimateLpColumns } from './lp-size.ts';

const scenario = `
name: lp-size
horizon: { start: 2023-01-01T00:00, hours: 48, timeZone: UTC }
sites:
  - { id: a, latitude: 30, longitude: -97, grid: { importLimitMW: 20 }, it: [{ accelerator: H100, gpus: 1000 }], facility: { cooling: { archetype: air } }, tariff: { energy: { type: flat, pricePerMWh: 50 } } }
workloads:
  - { id: job, type: training, accelerator: H100, sites: [a], workGpuHours: 1000, gpus: { max: 500 } }
`;

describe('planning LP size', () => {
  const model = buildModel(loadScenarioText(scenario, mkdtempSync(join(tmpdir(), 'lp-size-'))));

  it('estimates at least the columns the LP really has', async () => {
    const d = await plan(model, 'optimal');
    expect(estimateLpColumns(model, [0], 48, 4)).toBeGreaterThanOrEqual(d.solver!.columns);
  });

  it('refuses a model above the limit before building it, naming size, limit and remedies', () => {
    let e: unknown;
    try {
      checkLpSize(model, [[0]], 48, 4, 100);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).code).toBe('PROBLEM_TOO_LARGE');
    expect((e as InputError).message).toMatch(/about [\d,]+ columns \(48 steps per window\), above the limit of 100; plan with a rolling horizon/);
  });
});
