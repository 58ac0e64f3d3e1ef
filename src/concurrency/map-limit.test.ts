import { describe, expect, it } from 'vitest';
import { mapLimit } from './map-limit.ts';

describe('mapLimit', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let inFlight = 0, peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (x, i) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, x));
      inFlight--;
      return x * 10 + i;
    });
    expect(out).toEqual([50, 11, 42, 23, 34, 5, 66]);
    expect(peak).toBe(3);
    expect(await mapLimit([], 4, () => Promise.resolve(1))).toEqual([]);
  });

  it('passes on the first failure', async () => {
    await expect(mapLimit([1, 2, 3], 2, (x) => (x === 2 ? Promise.reject(new Error('two')) : Promise.resolve(x)))).rejects.toThrow('two');
  });
});
