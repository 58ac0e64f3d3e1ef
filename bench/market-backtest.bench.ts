/**
 * Full-year market back-tests of the bundled examples (issue 11): ERCOT North 2021 (energy
 * only) and DK2 2021 (energy, mFRR, FCR-N, FCR-D), five policies each. One run per example.
 */
import { fileURLToPath } from 'node:url';
import { HighsWasmSolver } from '../src/optimize/index.ts';
import { runMarketBacktest } from '../src/app/index.ts';
import type { BenchResult } from './harness.ts';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));

/** Runs both back-tests. */
export async function run(): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  for (const [name, file] of [['back-test, ERCOT North 2021', 'ercot-2021.yaml'], ['back-test, DK2 2021 (with reserves)', 'denmark-dk2-2021.yaml']] as const) {
    const t0 = performance.now();
    const r = await runMarketBacktest({ scenario: { file: `${EXAMPLES}${file}` }, year: 2021 }, { solverFactory: () => new HighsWasmSolver() });
    const ms = performance.now() - t0;
    const res = r.result;
    const solves = Object.values(res.policies).reduce((a, p) => a + p.solves, 0) + res.bids.length;
    rows.push({ name, size: `${res.days} days × 5 policies`, medianMs: Math.round(ms), runs: 1, note: `${solves.toLocaleString('en-US')} LP solves; captured share ${res.capturedShare === null ? '–' : `${(res.capturedShare * 100).toFixed(1)} %`}; bidding cost ${Math.round(res.policies.bidding.cost).toLocaleString('en-US')} ${res.currency}` });
  }
  return rows;
}
