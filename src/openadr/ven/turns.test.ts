import { describe, expect, it } from 'vitest';
import { sharedTurns } from './turns.ts';

describe('sharedTurns', () => {
  it('lets one waiter through per turn of the event loop, first come first served', async () => {
    const turn = sharedTurns();
    let ticks = 0;
    const tick = () => {
      ticks++;
      if (ticks < 20) setImmediate(tick);
    };
    setImmediate(tick);
    const at: Array<[string, number]> = [];
    await Promise.all(['a', 'b', 'c', 'd'].map((name) => turn().then(() => void at.push([name, ticks]))));
    expect(at.map(([n]) => n)).toEqual(['a', 'b', 'c', 'd']);
    // each in a later turn than the one before
    for (let i = 1; i < at.length; i++) expect(at[i]![1]).toBeGreaterThan(at[i - 1]![1]);
    // and after a pause, the next waiter is let through again
    await turn();
  });
});
