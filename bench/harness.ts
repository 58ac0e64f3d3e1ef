/** Shared pieces of the benchmarks: the result row, timing and medians. */

/** One benchmark result row. */
export interface BenchResult {
  name: string;
  size: string;
  medianMs: number;
  runs: number;
  note?: string;
}

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
}

/** Times `fn` `runs` times (after `warmup` untimed runs) and returns the median row. */
export async function timeIt(name: string, size: string, fn: () => unknown, opts: { runs?: number; warmup?: number; note?: string } = {}): Promise<BenchResult> {
  const runs = opts.runs ?? 5;
  for (let i = 0; i < (opts.warmup ?? 1); i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  const r: BenchResult = { name, size, medianMs: Math.round(median(ms) * 100) / 100, runs };
  if (opts.note) r.note = opts.note;
  return r;
}

/** Renders results as a Markdown table. */
export function markdownTable(rows: BenchResult[]): string {
  const lines = ['| benchmark | size | median | runs | note |', '|---|---|---|---|---|'];
  for (const r of rows) {
    const t = r.medianMs >= 1000 ? `${(r.medianMs / 1000).toFixed(2)} s` : `${r.medianMs.toFixed(1)} ms`;
    lines.push(`| ${r.name} | ${r.size} | ${t} | ${r.runs} | ${r.note ?? ''} |`);
  }
  return lines.join('\n');
}
