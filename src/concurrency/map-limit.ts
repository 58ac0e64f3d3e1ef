/**
 * Maps over items with at most `limit` calls in flight: compression in libuv's thread pool (the
 * store: starting thousands at once allocates a zlib state for each and measured twice as slow as
 * a bounded pool, docs/benchmarks.md) and requests to a VTN (the aggregator, its virtual VENs).
 */

/** Calls `fn` on every item, `limit` at a time; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
