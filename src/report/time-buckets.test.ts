import { describe, expect, it } from 'vitest';
import type { TimeGrid } from '../time/grid.ts';
import { bucketMeans, timeBuckets } from './index.ts';

const grid = (days: number, stepMinutes = 60, start = '2023-01-01T06:00:00Z'): TimeGrid => ({ startMs: Date.parse(start), stepMinutes, steps: (days * 1440) / stepMinutes, timeZone: 'America/Chicago' });

describe('timeBuckets', () => {
  it('keeps step values when they fit', () => {
    const b = timeBuckets(grid(7), 'America/Chicago');
    expect(b.x.length).toBe(168);
    expect(b.resolution).toBe('hourly values');
    // x is local wall-clock time written as UTC: 06:00Z is midnight in Chicago (UTC−6)
    expect(new Date(b.x[0]!).toISOString()).toBe('2023-01-01T00:00:00.000Z');
  });

  it('averages 15-minute steps into 2-hour means for a month', () => {
    const b = timeBuckets(grid(30, 15), 'America/Chicago');
    expect(b.resolution).toBe('2-hour means');
    expect(b.x.length).toBe(360);
    expect([...b.count].every((c) => c === 8)).toBe(true);
  });

  it('uses local days beyond 60 days, with 23- and 25-hour days at DST changes', () => {
    const g = grid(365);
    const b = timeBuckets(g, 'America/Chicago');
    expect(b.resolution).toBe('daily means');
    expect(b.x.length).toBe(365);
    const day = (iso: string) => b.x.indexOf(Date.parse(iso));
    expect(b.count[day('2023-03-12T00:00:00Z')]).toBe(23);
    expect(b.count[day('2023-11-05T00:00:00Z')]).toBe(25);
    expect(b.count[day('2023-07-01T00:00:00Z')]).toBe(24);
  });

  it('keeps energy: mean × steps summed over buckets equals the sum of the values', () => {
    const g = grid(365);
    const values = Float64Array.from({ length: g.steps }, (_, t) => 1000 + 500 * Math.sin(t / 7));
    const b = timeBuckets(g, 'America/Chicago');
    const means = bucketMeans(values, b);
    const total = means.reduce((s, m, j) => s + m * b.count[j]!, 0);
    expect(total).toBeCloseTo(values.reduce((s, v) => s + v, 0), 3);
  });

  it('covers a sub-range of steps', () => {
    const b = timeBuckets(grid(30), 'America/Chicago', 24, 24 + 168);
    expect(b.x.length).toBe(168);
    expect(new Date(b.x[0]!).toISOString()).toBe('2023-01-02T00:00:00.000Z');
  });
});
