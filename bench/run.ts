/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line, e.g.
 * `npm run bench -- simulate`) and prints one Markdown table per file, ready for
 * docs/benchmarks.md. Machines are shared and noisy: each row is a median.
 */
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { markdownTable, type BenchResult } from './harness.ts';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

console.log(`# wattshift benchmarks — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB\n`);
for (const f of files) {
  const mod = (await import(pathToFileURL(dir + f).href)) as { run?: () => Promise<BenchResult[]> };
  if (!mod.run) continue;
  const t0 = performance.now();
  const rows = await mod.run();
  console.log(`## ${f.replace('.bench.ts', '')} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n\n${markdownTable(rows)}\n`);
}
