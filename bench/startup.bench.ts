/**
 * Start-up of the `wattshift` command: `--help` from the compiled JavaScript (what bin/ runs)
 * against the same CLI loaded from TypeScript source through tsx (what bin/ ran before the
 * package shipped compiled code), measured in the same run; plus a small JSON-only simulation
 * and the library import. Each row is the median wall time of fresh Node processes.
 * Needs `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, type BenchResult } from './harness.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RUNS = 15;

function wall(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return performance.now() - t0;
}

function row(name: string, args: string[], note?: string): BenchResult {
  wall(args);
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) ms.push(wall(args));
  const r: BenchResult = { name, size: 'one process', medianMs: Math.round(median(ms) * 10) / 10, runs: RUNS };
  if (note) r.note = note;
  return r;
}

/** Runs the start-up benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const fromSource = `import('./src/cli/main.ts').then(async (m) => { process.exitCode = await m.main(['node', 'wattshift', ...process.argv.slice(1)]); })`;
  const compiled = row('wattshift --help, compiled (bin/wattshift.mjs)', ['bin/wattshift.mjs', '--help']);
  const source = row('wattshift --help, TypeScript through tsx (before)', ['--import', 'tsx', '--input-type=module', '-e', fromSource, '--', '--help']);
  compiled.note = `${(source.medianMs / compiled.medianMs).toFixed(1)}× faster than through tsx`;
  return [
    compiled,
    source,
    row('wattshift simulate phoenix --json, compiled', ['bin/wattshift.mjs', 'simulate', 'examples/phoenix-2025.yaml', '--json'], 'load, naive, simulate; no chart renderer'),
    row("import('wattshift')", ['--input-type=module', '-e', "await import('wattshift')"]),
  ];
}
