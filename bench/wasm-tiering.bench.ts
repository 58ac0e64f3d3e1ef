/**
 * V8's dynamic tiering of HiGHS's WebAssembly against optimisation when compiled
 * (src/optimize/wasm-tiering.ts), in `demo vpp` at 100 sites with one VEN thread. Each run is a
 * fresh process (the setting is process-wide); the two settings alternate. Rows: medians over
 * the runs of the setpoints' p99, the process's CPU time in the event window (all threads, V8's
 * compiler threads included) and the total HiGHS time of the 100 event LPs.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, type BenchResult } from './harness.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RUNS = 3;
const MODES = ['dynamic', 'optimised'] as const;
type Mode = (typeof MODES)[number];
interface Run {
  p99: number;
  cpuMs: number;
  lpMs: number;
}

function child(mode: Mode): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/wasm-tiering-child.ts', mode], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wasm-tiering child (${mode}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Run;
}

/** Runs the tiering benchmark. */
export async function run(): Promise<BenchResult[]> {
  const runs: Record<Mode, Run[]> = { dynamic: [], optimised: [] };
  for (let i = 0; i < RUNS; i++) for (const mode of MODES) runs[mode].push(child(mode));
  const med = (mode: Mode, k: keyof Run) => Math.round(median(runs[mode].map((r) => r[k])));
  const label = (mode: Mode) => (mode === 'dynamic' ? 'dynamic tiering' : 'optimised when compiled');
  const size = '100 sites, 1 VEN thread';
  return MODES.flatMap((mode) => [
    { name: `event → setpoints at every VEN, p99 (${label(mode)})`, size, medianMs: med(mode, 'p99'), runs: RUNS, note: `runs: ${runs[mode].map((r) => Math.round(r.p99)).join(', ')} ms` },
    { name: `CPU in the event window, all threads (${label(mode)})`, size, medianMs: med(mode, 'cpuMs'), runs: RUNS, ...(mode === 'optimised' ? { note: `${(med('dynamic', 'cpuMs') / med('optimised', 'cpuMs')).toFixed(2)}× less than dynamic tiering, same run` } : {}) },
    { name: `HiGHS time of the 100 event LPs (${label(mode)})`, size, medianMs: med(mode, 'lpMs'), runs: RUNS },
  ]);
}
