/**
 * Cross-check of the tariff engine for what grid programs lean on: a deep-valley
 * period (Shandong/Zhejiang-style Spring Festival deep valley, numbers.md §5b) is billed at its
 * own price, and holidays move workday-only bands. Worked by hand: 1 MW constant load for
 * 24 hours, deep valley 00:00–04:00 at 100/MWh, valley 04:00–08:00 at 200, flat 500 otherwise.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildModel, loadScenarioText, simulate } from '../pipeline.ts';
import { billSite } from './bill.ts';
import type { Dispatch } from '../simulate/dispatch.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

describe('deep-valley time-of-use billing', () => {
  it('bills deep valley, valley and flat hours at their own prices', () => {
    const model = buildModel(loadScenarioText(`
name: dv
currency: CNY
horizon: { start: 2024-02-12T00:00, hours: 24, timeZone: Asia/Shanghai }
sites:
  - id: s
    latitude: 36
    longitude: 117
    grid: { importLimitMW: 5 }
    it: [{ accelerator: A100, gpus: 8 }]
    idleGpus: off
    facility: { cooling: { archetype: air }, fixedOverheadKW: 1000 }
    tariff:
      energy:
        type: tou
        pricesPerMWh: { deepValley: 100, valley: 200, flat: 500 }
        bands:
          - { period: valley, from: '00:00', to: '08:00' }
          - { period: deepValley, from: '00:00', to: '04:00' }
`, EXAMPLES));
    const empty: Dispatch = { policy: 'none', jobs: [], inference: [], storageKW: [undefined], allowExport: [false], notes: [] };
    const ledger = simulate(model, empty);
    const bill = billSite(model.sites[0]!, ledger.sites[0]!, model.grid);
    const line = (p: string) => bill.lines.find((l) => l.item === `energy, ${p}`)!;
    // no IT load (GPUs off): the 1 MW fixed load only, so 4 MWh × 100 + 4 MWh × 200 + 16 MWh × 500
    expect(line('deepValley').quantity).toBeCloseTo(4, 3);
    expect(line('deepValley').amount).toBeCloseTo(400, 0);
    expect(line('valley').amount).toBeCloseTo(800, 0);
    expect(line('flat').amount).toBeCloseTo(8000, 0);
    expect([line('deepValley').rate, line('valley').rate, line('flat').rate]).toEqual([100, 200, 500]);
  });
});
