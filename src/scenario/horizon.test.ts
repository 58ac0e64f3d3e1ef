import { describe, expect, it } from 'vitest';
import { thrown } from '../../test/helpers/input-error.ts';
import { horizonGrid } from './horizon.ts';

const h = (over: Record<string, unknown>) => ({ start: '2023-01-01T00:00', stepMinutes: 60 as const, timeZone: 'UTC', ...over });

describe('horizonGrid', () => {
  it('caps a horizon given by its end like one given in hours (five years)', () => {
    expect(horizonGrid(h({ end: '2028-01-01T00:00' })).steps).toBe(43_824);
    const e = thrown(() => horizonGrid(h({ end: '9999-01-01T00:00' })));
    expect(e.code).toBe('TIME_INVALID');
    expect(e.location.path).toBe('horizon.end');
    expect(e.message).toMatch(/69,916,176 hours long; at most 43,920 hours \(five years\)/);
  });

  it('refuses a start in year 0000 instead of reading it as 1900', () => {
    const e = thrown(() => horizonGrid(h({ start: '0000-01-01T00:00', hours: 24 })));
    expect(e.location.path).toBe('horizon.start');
    expect(e.message).toMatch(/outside the years 1900–2199/);
    expect(horizonGrid(h({ start: '1900-01-01T00:00', hours: 24, timeZone: 'Asia/Shanghai' })).steps).toBe(24);
  });
});
