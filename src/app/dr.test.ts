/** runDr: events as files, as text or already parsed settle alike; the base plan uses the injected factory. */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countingFactory } from '../../test/helpers/counting-solver.ts';
import { InputError } from '../errors/index.ts';
import { defaultSolverFactory } from '../optimize/solver-factory.ts';
import { runDr } from './dr.ts';

const PHOENIX = fileURLToPath(new URL('../../examples/phoenix-2025.yaml', import.meta.url));
const EVENT = fileURLToPath(new URL('../../examples/events/phoenix-2025-05-03.openadr.json', import.meta.url));
const deps = { solverFactory: defaultSolverFactory };

describe('runDr', () => {
  it('settles an OpenADR event the same from its file, its text, or the parsed event', async () => {
    const fromFile = await runDr({ scenario: { file: PHOENIX }, event: [EVENT] }, deps);
    const fromText = await runDr({ scenario: { file: PHOENIX }, event: [{ text: readFileSync(EVENT, 'utf8'), name: 'event.openadr.json' }] }, deps);
    const parsed = await runDr({ scenario: { loaded: fromFile.scenario }, event: fromFile.replay.events }, deps);
    const strip = (j: Record<string, unknown>) => JSON.parse(JSON.stringify(j).replaceAll(EVENT, 'event.openadr.json')) as unknown;
    expect(strip(fromText.json)).toEqual(strip(fromFile.json));
    expect(parsed.json.deliveredMWh).toBe(fromFile.json.deliveredMWh);
    expect(parsed.json.payment).toBe(fromFile.json.payment);
    expect(fromFile.bills.change).toBeCloseTo(fromFile.bills.after - fromFile.bills.before, 9);
    expect(fromFile.text).toContain('program ');
  });

  it('answers events from an optimal base plan made with the injected factory', async () => {
    const c = countingFactory();
    const r = await runDr({ scenario: { file: PHOENIX }, policy: 'optimal' }, { solverFactory: c.factory });
    expect(c.made).toEqual(['highs']);
    expect(r.base.summary.policy).toBe('optimal');
  });

  it('rejects both targets at once, before loading', async () => {
    const e = (await runDr({ scenario: { file: '/nowhere.yaml' }, targetMw: 1, targetPercent: 5 }, deps).catch((x: unknown) => x)) as InputError;
    expect(e).toBeInstanceOf(InputError);
    expect(e.code).toBe('OPTION_INVALID');
    expect(e.location.path).toBe('--target-mw');
  });
});

/** Phoenix with on-site wind that covers the hour before the event and stops at 16:00 (no export). */
function windUntilFour(): string {
  const profile = [...Array<number>(16).fill(1), ...Array<number>(8).fill(0)];
  return readFileSync(PHOENIX, 'utf8')
    .replace('    idleGpus: idle\n', `    idleGpus: idle\n    renewables:\n      - { id: wind, type: wind, capacityMW: 2, capacityFactor: { dailyProfile: [${profile.join(', ')}] } }\n`)
    .replace('grid: { importLimitMW: 0.5 }', 'grid: { importLimitMW: 0.5, exportLimitMW: 0 }');
}

describe('runDr with no target', () => {
  it('does not respond when the baseline, and so a percentage target, is zero; the note names the baseline used', async () => {
    const r = await runDr({ scenario: { text: windUntilFour(), baseDir: dirname(PHOENIX), name: 'wind.yaml' } }, deps);
    // the meter read 0 in the hour before the event: 25 % of 0 is no target
    expect(r.json.targetMWh).toBe(0);
    expect(r.replay.work.lostGpuHours).toBe(0);
    expect(r.replay.work.deferredGpuHours).toBe(0);
    expect(r.replay.checks.qosAfter).toBe(r.replay.checks.qosBefore);
    const note = r.replay.notes.find((n) => n.includes('no target'))!;
    expect(note).toContain('meter-before, average load of the 1 h before the event');
    expect(note).toContain('nothing was dispatched');
  });

  it('names the baseline given with --baseline in the default program\'s note', async () => {
    const text = readFileSync(PHOENIX, 'utf8').split('\ngridPrograms:')[0]!;
    const r = await runDr({ scenario: { text, baseDir: dirname(PHOENIX), name: 'no-program.yaml' }, event: ['15:45/3'], targetPercent: 10, baseline: 'jiangsu-15-min' }, deps);
    expect(r.replay.notes[0]).toBe('the scenario has no gridPrograms section: a default program with no pay and the jiangsu-15-min baseline (--baseline) is used');
    expect(r.json.baselineMethod).toBe('jiangsu-15-min');
    const plain = await runDr({ scenario: { loaded: r.scenario }, event: ['15:45/3'], targetPercent: 10 }, deps);
    expect(plain.replay.notes[0]).toBe('the scenario has no gridPrograms section: a default program with no pay and the meter-before baseline is used');
  });
});

describe('runDr --measure', () => {
  it('takes a percentage target of the chosen power\'s baseline, settles on the meter, and says which', async () => {
    const grid = await runDr({ scenario: { file: PHOENIX } }, deps);
    const gpu = await runDr({ scenario: { loaded: grid.scenario }, measure: 'gpu' }, deps);
    expect(grid.json.measure).toBe('grid');
    expect(gpu.json.measure).toBe('gpu');
    expect(gpu.text).toContain('shares of the baseline of GPU power');
    // GPU power is part of the metered facility load: its 25 % is a smaller target
    const g = grid.json.targetReductionMW as number;
    const u = gpu.json.targetReductionMW as number;
    expect(u).toBeGreaterThan(0);
    expect(u).toBeLessThan(g * 0.6);
    // the baselines in the statement stay the meter's
    expect((gpu.json.sites as Array<{ baselineMWh: number }>)[0]!.baselineMWh).toBe((grid.json.sites as Array<{ baselineMWh: number }>)[0]!.baselineMWh);
    const bad = (await runDr({ scenario: { file: '/nowhere.yaml' }, measure: 'cpu' }, deps).catch((e: unknown) => e)) as InputError;
    expect(bad.location.path).toBe('--measure');
  });
});
