import { describe, expect, it } from 'vitest';
import { sharedTurns } from './turns.ts';

describe('sharedTurns', () => {
  it('lets one waiter through per turn of the event loop, first come first served', async () => {
    const turn = sharedTurns({ quietMs: 0, maxWaitMs: 0 }).solve;
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

  it('holds the first of a burst until arrivals stop for the quiet time, and no longer than the longest wait', async () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // arrivals 10 ms apart, quiet 200 ms: the first goes only after the last has arrived
    const turn = sharedTurns({ quietMs: 200, maxWaitMs: 5_000 }).solve;
    let arrived = 0;
    let arrivedAtFirst = -1;
    const done: Array<Promise<void>> = [];
    for (let i = 0; i < 5; i++) {
      done.push(turn().then(() => void (arrivedAtFirst < 0 && (arrivedAtFirst = arrived))));
      arrived++;
      await sleep(10);
    }
    await Promise.all(done);
    expect(arrivedAtFirst).toBe(5);
    // arrivals that never stop: the first goes after the longest wait, while they still come
    const bounded = sharedTurns({ quietMs: 100, maxWaitMs: 300 }).solve;
    let first = -1;
    const t0 = performance.now();
    const later: Array<Promise<void>> = [];
    for (let i = 0; performance.now() - t0 < 1_500 && first < 0; i++) {
      later.push(bounded().then(() => void (first < 0 && (first = performance.now() - t0))));
      await sleep(20);
    }
    await Promise.all(later);
    expect(first).toBeGreaterThanOrEqual(300);
    expect(first).toBeLessThan(1_500);
  });

  it('lets a report through only while no answer waits for its LP', async () => {
    const turns = sharedTurns({ quietMs: 0, maxWaitMs: 0 });
    const order: string[] = [];
    const done: Array<Promise<void>> = [];
    // a report asks first, then three answers: the answers go first, in order
    done.push(turns.report().then(() => void order.push('report 1')));
    for (const a of ['a', 'b', 'c']) done.push(turns.solve().then(() => void order.push(a)));
    // an answer that arrives while the reports wait still goes before them
    done.push(
      turns.solve().then(() => {
        order.push('d');
        done.push(turns.solve().then(() => void order.push('e')));
      }),
    );
    done.push(turns.report().then(() => void order.push('report 2')));
    while (order.length < 7) await Promise.all(done);
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e', 'report 1', 'report 2']);
  });

  it('holds reports until no event has arrived for the report quiet time; an answer arriving meanwhile goes first', async () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const turns = sharedTurns({ quietMs: 0, maxWaitMs: 0, reportQuietMs: 150 });
    const t0 = performance.now();
    const at: Record<string, number> = {};
    const mark = (name: string) => () => void (at[name] = performance.now() - t0);
    const done = [turns.solve().then(mark('a')), turns.report().then(mark('report'))];
    // the answer goes at once, the report waits for the quiet after it
    await sleep(60);
    expect(at.a).toBeDefined();
    expect(at.report).toBeUndefined();
    // another event 60 ms in: answered at once (not held behind the report's wait), and the quiet starts again
    done.push(turns.solve().then(mark('b')));
    await Promise.all(done);
    expect(at.b! - 60).toBeLessThan(60);
    expect(at.report).toBeGreaterThanOrEqual(60 + 150 - 5);
    // long after the last event, a report goes at once
    const t1 = performance.now();
    await turns.report();
    expect(performance.now() - t1).toBeLessThan(100);
  });
});
