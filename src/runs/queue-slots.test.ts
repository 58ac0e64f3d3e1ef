import { describe, expect, it } from 'vitest';
import { QueueFullError } from './executor.ts';
import { QueueSlots } from './queue-slots.ts';

describe('QueueSlots', () => {
  const atMost = (n: number) => (reserved: number) => (reserved >= n ? new QueueFullError(`full at ${n}`, 7) : undefined);

  it('counts places up to the bound, frees one on submit or release, and uses a slot once', () => {
    const slots = new QueueSlots();
    const submitted: string[] = [];
    const a = slots.reserve(false, atMost(2), (id) => submitted.push(id));
    const b = slots.reserve(false, atMost(2), (id) => submitted.push(id));
    expect(slots.reserved).toBe(2);
    expect(() => slots.reserve(false, atMost(2), () => undefined)).toThrow('full at 2');
    a.submit('r1');
    expect(submitted).toEqual(['r1']);
    expect(() => a.submit('r2')).toThrow('a queue slot is used once');
    a.release(); // after a submit: nothing to give back
    expect(slots.reserved).toBe(1);
    b.release();
    b.release();
    expect(slots.reserved).toBe(0);
    expect(() => b.submit('r3')).toThrow('a queue slot is used once');
    expect(submitted).toEqual(['r1']);
  });

  it('refuses every place while closing, with a retry hint', () => {
    const slots = new QueueSlots();
    let error: unknown;
    try {
      slots.reserve(true, () => undefined, () => undefined);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueueFullError);
    expect((error as QueueFullError).retryAfterSeconds).toBe(30);
    expect(slots.reserved).toBe(0);
  });
});
