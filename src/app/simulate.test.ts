/** runSimulate: the same summary as the stage pipeline, from any form of scenario input. */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CancelledError, InputError } from '../errors/index.ts';
import { defaultSolverFactory } from '../optimize/solver-factory.ts';
import { run } from '../pipeline.ts';
import { loadScenarioInput } from './scenario-input.ts';
import { runSimulate } from './simulate.ts';
import { h100Site, scenarioYaml } from '../../test/helpers/scenario-yaml.ts';
import { summaryText } from './summary-text.ts';

const PHOENIX = fileURLToPath(new URL('../../examples/phoenix-2025.yaml', import.meta.url));
const deps = { solverFactory: defaultSolverFactory };

describe('runSimulate', () => {
  it('returns the summary, ledger and bills the stage pipeline gives, and its text', async () => {
    const r = await runSimulate({ scenario: { file: PHOENIX } }, deps);
    const stages = await run(PHOENIX);
    expect(r.json).toEqual(stages.summary);
    expect(r.summary).toBe(r.json);
    expect(r.bills).toEqual(stages.bills);
    expect(Array.from(r.ledger.sites[0]!.gridImportKW)).toEqual(Array.from(stages.ledger.sites[0]!.gridImportKW));
    expect(r.text).toBe(summaryText(r.summary));
    expect(r.summary.policy).toBe('naive');
  });

  it('gives the same result from a file, from text, and from a scenario loaded once', async () => {
    const fromFile = await runSimulate({ scenario: { file: PHOENIX }, policy: 'greedy' }, deps);
    const fromText = await runSimulate({ scenario: { text: readFileSync(PHOENIX, 'utf8'), baseDir: dirname(PHOENIX), name: 'phoenix.yaml' }, policy: 'greedy' }, deps);
    const loaded = loadScenarioInput({ file: PHOENIX });
    const again = await runSimulate({ scenario: { loaded }, policy: 'greedy' }, deps);
    expect(fromText.json.fleet).toEqual(fromFile.json.fleet);
    expect(again.json.fleet).toEqual(fromFile.json.fleet);
    expect(again.scenario).toBe(loaded);
  });

  it('reports progress in order, ending at 1', async () => {
    const seen: Array<[number, string | undefined]> = [];
    await runSimulate({ scenario: { file: PHOENIX } }, { ...deps, progress: (f, phase) => seen.push([f, phase]) });
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]![0]).toBeGreaterThanOrEqual(seen[i - 1]![0]);
    expect(seen[seen.length - 1]![0]).toBe(1);
    expect(seen.map((s) => s[1])).toContain('simulate');
  });

  it('checks its options before it reads the scenario', async () => {
    const e = await runSimulate({ scenario: { file: '/nowhere/missing.yaml' }, policy: 'clairvoyant' }, deps).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).code).toBe('OPTION_INVALID');
    expect((e as InputError).location.path).toBe('--policy');
    const missing = await runSimulate({ scenario: { file: '/nowhere/missing.yaml' } }, deps).catch((x: unknown) => x);
    expect((missing as InputError).code).toBe('FILE_NOT_FOUND');
  });

  it('stops with a CancelledError when its signal has fired', async () => {
    const c = new AbortController();
    c.abort();
    await expect(runSimulate({ scenario: { file: PHOENIX } }, { ...deps, signal: c.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('times shown as typed (local, in the horizon zone)', () => {
  const text = scenarioYaml({
    name: 'local-times',
    horizon: 'start: 2023-03-11T00:00, end: 2023-03-13T00:00, timeZone: America/Chicago',
    sites: [h100Site('a', 64)],
    rest: `workloads:
  - { id: short, type: training, accelerator: H100, sites: [a], workGpuHours: 80, gpus: { max: 8 }, release: 2023-03-12T01:00 }
`,
  });

  it('prints the horizon and finish times in local time across a DST change, keeping UTC in the JSON too', async () => {
    const r = await runSimulate({ scenario: { text, baseDir: '.', name: 'local.yaml' } }, deps);
    const h = r.json.horizon;
    expect(h.start).toBe('2023-03-11T06:00:00Z');
    expect(h.startLocal).toBe('2023-03-11T00:00:00-06:00');
    expect(h.endLocal).toBe('2023-03-13T00:00:00-05:00');
    expect(r.text).toContain('from 2023-03-11 00:00 to 2023-03-13 00:00 (America/Chicago)');
    expect(r.text).not.toMatch(/\d\dZ/);
    // 80 GPU-hours on 8 GPUs from 01:00 local: 10 h of wall clock, one of them skipped by DST
    const job = r.json.jobs.find((j) => j.id === 'short')!;
    expect(job.finishedAtLocal).toBe('2023-03-12T12:00:00-05:00');
    expect(job.finishedAt).toBe('2023-03-12T17:00:00Z');
    const report = (await r.files()).find((f) => f.name === 'report.html')!;
    const html = String(report.content);
    expect(html).toContain('2023-03-12 12:00 (UTC−05:00)');
    expect(html).not.toContain('2023-03-12T17:00:00Z');
  });
});
