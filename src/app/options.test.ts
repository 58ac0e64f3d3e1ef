/** Option checks shared by every adapter: values converted, bad ones named by their flag. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.ts';
import { choiceOption, numberOption, optionFlag, planOptionsFrom, PLANNING_DEFAULTS, positiveOption } from './options.ts';

function thrown(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('options', () => {
  it('spells a field as its command-line flag', () => {
    expect(optionFlag('lookahead')).toBe('--lookahead');
    expect(optionFlag('lpMethod')).toBe('--lp-method');
    expect(optionFlag('targetMw')).toBe('--target-mw');
    expect(optionFlag('qosWindow')).toBe('--qos-window');
  });

  it('gives the defaults when nothing is set, and the same from numbers or their text', () => {
    const d = planOptionsFrom({});
    expect(d).toMatchObject({ lookaheadHours: PLANNING_DEFAULTS.lookahead, commitHours: PLANNING_DEFAULTS.commit, solver: 'highs', lpMethod: 'auto', maxPoints: 4, workers: 2 });
    expect(d.timeLimitSeconds).toBeUndefined();
    expect(planOptionsFrom({ lookahead: '36', commit: '12', timeLimit: '2.5', points: '6' })).toEqual(planOptionsFrom({ lookahead: 36, commit: 12, timeLimit: 2.5, points: 6 }));
  });

  it('names the option of every bad value', () => {
    for (const [o, flag] of [
      [{ forecast: 'crystal-ball' }, '--forecast'],
      [{ lookahead: 0 }, '--lookahead'],
      [{ lookahead: 24, commit: 48 }, '--commit'],
      [{ lpMethod: 'magic' }, '--lp-method'],
      [{ seed: 1.5 }, '--seed'],
      [{ points: '-3' }, '--points'],
      [{ workers: 'two' }, '--workers'],
      [{ timeLimit: 'NaN' }, '--time-limit'],
    ] as const) {
      const e = thrown(() => planOptionsFrom(o));
      expect(e.code).toBe('OPTION_INVALID');
      expect(e.location.path, JSON.stringify(o)).toBe(flag);
    }
  });

  it('accepts exactly the positive numbers (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.string()), (v) => {
        const x = typeof v === 'number' ? v : Number(v);
        const ok = Number.isFinite(x) && x > 0;
        if (ok) expect(positiveOption('--x', v)).toBe(x);
        else expect(() => positiveOption('--x', v)).toThrow(InputError);
      }),
      { numRuns: 300 },
    );
  });

  it('lists the valid choices and range in the message', () => {
    expect(thrown(() => choiceOption('--measure', 'volts', ['gpu', 'it', 'facility', 'grid'])).message).toBe('--measure must be gpu, it, facility or grid, got "volts"');
    expect(numberOption(undefined, '--target-mw', (x) => x > 0, 'give MW above 0')).toBeUndefined();
    expect(thrown(() => numberOption('-1', '--target-mw', (x) => x > 0, 'give MW above 0')).message).toBe('found "-1"; give MW above 0');
  });
});
