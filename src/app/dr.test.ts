/** runDr: events as files, as text or already parsed settle alike; the base plan uses the injected factory. */
import { readFileSync } from 'node:fs';
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
