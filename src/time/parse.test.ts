import { describe, expect, it } from 'vitest';
import { parseTimestamp, parseTimestampParts } from './parse.ts';
import { parseLabel } from '../series/timestamps.ts';

describe('parseTimestamp', () => {
  it('reads years 0–99 as written (Date.UTC would make year 0000 into 1900)', () => {
    expect(new Date(parseTimestamp('0000-01-01T00:00Z', 'UTC')).toISOString()).toBe('0000-01-01T00:00:00.000Z');
    expect(new Date(parseTimestamp('0099-12-31T23:00', 'UTC')).toISOString()).toBe('0099-12-31T23:00:00.000Z');
    expect(new Date(parseTimestamp('2023-07-14 19:00 +02:00', 'UTC')).toISOString()).toBe('2023-07-14T17:00:00.000Z');
    expect(parseTimestamp('2023-02-29T00:00', 'UTC')).toBeNaN();
    expect(parseTimestamp('  2024-02-29T00:00Z  ', 'UTC')).toBe(Date.UTC(2024, 1, 29));
  });

  it('refuses a 300 KB "timestamp" at once (the pattern used to backtrack for about a minute)', () => {
    const hostile = [`2023-01-01${' '.repeat(300_000)}x`, `2023-01-01T00:00${' '.repeat(300_000)}!`, '9'.repeat(300_000)];
    const label = { naiveMs: 0, offsetMin: NaN };
    const t0 = performance.now();
    for (const s of hostile) {
      expect(parseTimestamp(s, 'UTC')).toBeNaN();
      expect(parseTimestampParts(s)).toBeUndefined();
      expect(parseLabel(s, 0, label)).not.toBe(0);
    }
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
