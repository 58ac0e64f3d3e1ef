/**
 * The files each use case returns are exactly the files `--out` writes (names, sub-folders),
 * with media types that fit and JSON files equal to the `--json` document.
 */
import { OUTPUT_MARKER } from '../report/write-outputs.ts';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';
import { defaultSolverFactory } from '../optimize/solver-factory.ts';
import { runCompare } from './compare.ts';
import { runDr } from './dr.ts';
import { fileText, MEDIA_TYPES } from './files.ts';
import { runFinance } from './finance.ts';
import { runFlex } from './flex.ts';
import { runPlan } from './plan.ts';
import { runSimulate } from './simulate.ts';
import type { OutputFile, UseCaseOutput } from './types.ts';

const PHOENIX = fileURLToPath(new URL('../../examples/phoenix-2025.yaml', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'wattshift-app-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const deps = { solverFactory: defaultSolverFactory };

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e !== OUTPUT_MARKER) out.push(relative(dir, p)); // the folder writer's own marker
    }
  };
  walk(dir);
  return out.sort();
}

async function cliWrites(args: string[]): Promise<string[]> {
  const dir = join(tmp, `out-${args[0]}`);
  let err = '';
  const code = await main(['node', 'wattshift', ...args, '--out', dir], { out: () => undefined, err: (t) => (err += t) });
  expect(code, err).toBe(0);
  return listFiles(dir);
}

function checkFiles(files: OutputFile[], r: UseCaseOutput<unknown>, jsonName: string): void {
  for (const f of files) {
    const ext = f.name.slice(f.name.lastIndexOf('.') + 1) as 'json' | 'csv' | 'html';
    expect(f.mediaType, f.name).toBe(MEDIA_TYPES[ext]);
    if (ext === 'json') expect(() => JSON.parse(fileText(f)) as unknown, f.name).not.toThrow();
  }
  expect(JSON.parse(fileText(files.find((f) => f.name === jsonName)!))).toEqual(JSON.parse(JSON.stringify(r.json)));
}

describe('use-case files are what the CLI writes', () => {
  it('simulate: summary.json, ledger.csv, bills.csv, report.html', async () => {
    const r = await runSimulate({ scenario: { file: PHOENIX } }, deps);
    const files = await r.files();
    expect(files.map((f) => f.name)).toEqual(['summary.json', 'ledger.csv', 'bills.csv', 'report.html']);
    expect(files.map((f) => f.name).sort()).toEqual(await cliWrites(['simulate', PHOENIX]));
    checkFiles(files, r, 'summary.json');
    expect(fileText(files[1]!).trim().split('\n')).toHaveLength(1 + 26);
    // files() builds fresh content each time (streamed tables can be read once)
    expect(fileText((await r.files())[1]!)).toBe(fileText((await r.files())[1]!));
  });

  it('plan: the same four, the report with the plan-against-naive section', async () => {
    const r = await runPlan({ scenario: { file: PHOENIX } }, deps);
    const files = await r.files();
    expect(files.map((f) => f.name).sort()).toEqual(await cliWrites(['plan', PHOENIX]));
    checkFiles(files, r, 'summary.json');
    expect(fileText(files.find((f) => f.name === 'report.html')!)).toContain('Plan against naive');
  });

  it('compare: compare.csv, compare.json, the best policy’s ledger and report.html', async () => {
    const r = await runCompare({ scenario: { file: PHOENIX }, policies: ['naive', 'greedy'] }, deps);
    const files = await r.files();
    expect(files.map((f) => f.name)).toEqual(['compare.csv', 'compare.json', `ledger-${r.rows[0]!.operatingCost <= r.rows[1]!.operatingCost ? 'naive' : 'greedy'}.csv`, 'report.html']);
    expect(files.map((f) => f.name).sort()).toEqual(await cliWrites(['compare', PHOENIX, '--policies', 'naive,greedy']));
    checkFiles(files, r, 'compare.json');
  });

  it('flex: envelope.json, envelope.csv, report.html', async () => {
    const r = await runFlex({ scenario: { file: PHOENIX }, durations: [1, 2] }, deps);
    const files = await r.files();
    expect(files.map((f) => f.name)).toEqual(['envelope.json', 'envelope.csv', 'report.html']);
    expect(files.map((f) => f.name).sort()).toEqual(await cliWrites(['flex', PHOENIX, '--durations', '1,2']));
    checkFiles(files, r, 'envelope.json');
    expect(r.envelope.durations).toEqual([1, 2]);
  });

  it('dr: the settlement, one OpenADR event per site and event, and report.html', async () => {
    const r = await runDr({ scenario: { file: PHOENIX } }, deps);
    const files = await r.files();
    const names = files.map((f) => f.name);
    expect(names.slice(0, 3)).toEqual(['settlement.json', 'settlement.csv', 'settlement-intervals.csv']);
    expect(names[names.length - 1]).toBe('report.html');
    const openadr = names.filter((n) => n.startsWith('openadr/'));
    expect(openadr).toHaveLength(r.replay.settlements.length * r.replay.program.siteIndices.length);
    expect(names.slice().sort()).toEqual(await cliWrites(['dr', PHOENIX]));
    checkFiles(files, r, 'settlement.json');
  });

  it('finance: finance.json, cashflows.csv, sweep.csv with a sweep, report.html', async () => {
    const r = await runFinance({ scenario: { file: PHOENIX }, sweep: 'finance.discountRate=0.1', workers: 0, dr: false }, deps);
    const files = await r.files();
    expect(files.map((f) => f.name)).toEqual(['finance.json', 'cashflows.csv', 'sweep.csv', 'report.html']);
    expect(files.map((f) => f.name).sort()).toEqual(await cliWrites(['finance', PHOENIX, '--sweep', 'finance.discountRate=0.1', '--workers', '0', '--no-dr']));
    checkFiles(files, r, 'finance.json');
    const plain = await runFinance({ scenario: { file: PHOENIX } }, deps);
    expect((await plain.files()).map((f) => f.name)).toEqual(['finance.json', 'cashflows.csv', 'report.html']);
    expect(plain.json.sweep).toBeNull();
    // the sweep's point at the base discount rate values the same design as the base year (no DR revenue in either)
    const base = r.sweep!.points.find((p) => p.values[0] === r.finance.discountRate);
    expect(base).toBeDefined();
    expect(base!.metrics!.npv).toBeCloseTo(r.finance.npv, 0);
  });

  it('reads the report.html it wrote as HTML', () => {
    const html = readFileSync(join(tmp, 'out-simulate', 'report.html'), 'utf8');
    expect(html.startsWith('<!doctype html>') || html.startsWith('<!DOCTYPE html>')).toBe(true);
  });
});
