/**
 * Maps over items with at most `limit` calls in flight. Used for compression in libuv's thread
 * pool: starting thousands at once allocates a zlib state for each (hundreds of kB apiece) and
 * measured twice as slow as a bounded pool (docs/benchmarks.md).
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

/** Compression calls kept in flight (libuv's pool has 4 threads by default). */
export const COMPRESS_CONCURRENCY = 8;
