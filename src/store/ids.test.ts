import { describe, expect, it } from 'vitest';
import { isId, newId } from './ids.ts';

describe('newId', () => {
  it('gives valid, distinct, time-ordered ULIDs across refills of its random pool', () => {
    // 16 random characters per id stamped with a new millisecond: 600 ids draw the 4 KiB pool twice over
    const ids = Array.from({ length: 600 }, (_, i) => newId(1_700_000_000_000 + i * 1000));
    expect(ids.every(isId)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // the random part differs from one id to the next (not a stuck pool)
    expect(new Set(ids.map((id) => id.slice(10))).size).toBe(ids.length);
  });
});
