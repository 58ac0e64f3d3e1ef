import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.ts';
import { CATALOGUE, catalogueIds, derivedTrainingCurve, resolveAccelerators } from './catalogue.ts';
import { curveFor, operatingPointAtCap, throughputAtCap, throughputAtPower } from './gpu.ts';
import { PHOENIX_A100_DVFS, PHOENIX_PRETRAINING } from './phoenix-a100.ts';
import type { OperatingPoint } from './types.ts';

interface SweepRow {
  workload: string;
  capW: number;
  powerW: number;
  throughput: number;
}

function readSweep(): SweepRow[] {
  const text = readFileSync(new URL('../../examples/data/emerald-phoenix-2025/dvfs_sweep.csv', import.meta.url), 'utf8');
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const cols = header!.split(',');
  const at = (name: string) => cols.indexOf(name);
  const [w, cap, power, thr] = [at('Workload'), at('GPU power cap'), at('power per GPU'), at('normalized throughput')];
  return lines.map((l) => {
    const f = l.split(',');
    return { workload: f[w]!, capW: Number(f[cap]), powerW: Number(f[power]), throughput: Number(f[thr]) };
  });
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

function expectConcaveNonDecreasing(curve: OperatingPoint[], label: string): void {
  for (let i = 1; i < curve.length; i++) {
    expect(curve[i]!.gpuPowerW, label).toBeGreaterThan(curve[i - 1]!.gpuPowerW);
    expect(curve[i]!.throughput, label).toBeGreaterThanOrEqual(curve[i - 1]!.throughput);
  }
  for (let i = 2; i < curve.length; i++) {
    const s1 = (curve[i - 1]!.throughput - curve[i - 2]!.throughput) / (curve[i - 1]!.gpuPowerW - curve[i - 2]!.gpuPowerW);
    const s2 = (curve[i]!.throughput - curve[i - 1]!.throughput) / (curve[i]!.gpuPowerW - curve[i - 1]!.gpuPowerW);
    expect(s2, `${label}: slopes must not rise`).toBeLessThanOrEqual(s1 + 1e-12);
  }
}

describe('A100 curves from the Phoenix DVFS sweep', () => {
  const rows = readSweep();
  const a100 = resolveAccelerators().get('A100')!;

  it('embeds every row of dvfs_sweep.csv within 1 %', () => {
    expect(rows).toHaveLength(48);
    for (const r of rows) {
      const p = PHOENIX_A100_DVFS[r.workload]?.find((q) => q.capW === r.capW);
      expect(p, `${r.workload} @ ${r.capW} W`).toBeDefined();
      expect(Math.abs(p!.powerW / r.powerW - 1)).toBeLessThan(0.01);
      expect(Math.abs(p!.throughput / r.throughput - 1)).toBeLessThan(0.01);
    }
  });

  it('reproduces every one of the 48 rows within 1 % with throughputAtCap (the measured points, by cap)', () => {
    expect(rows).toHaveLength(48);
    for (const r of rows) {
      const t = throughputAtCap(a100, r.workload, r.capW);
      expect(Math.abs(t / r.throughput - 1), `${r.workload} @ ${r.capW} W`).toBeLessThan(0.01);
      const op = operatingPointAtCap(a100, r.workload, r.capW);
      expect(Math.abs(op.gpuPowerW / r.powerW - 1), `${r.workload} @ ${r.capW} W power`).toBeLessThan(0.01);
    }
  });

  it('keeps a frontier (hull) that is at or above every measured row and within 2.5 % of it', () => {
    const under: string[] = [];
    // The embedded table rounds the CSV to 1 mW and 1e-6, hence the 1e-4 relative tolerance.
    const tol = 1e-4;
    for (const r of rows) {
      const frontier = throughputAtPower(a100.curves[r.workload]!, r.powerW, a100.idleW);
      const gain = frontier / r.throughput - 1;
      expect(gain, `${r.workload} @ ${r.capW} W`).toBeGreaterThanOrEqual(-tol);
      expect(gain, `${r.workload} @ ${r.capW} W`).toBeLessThan(0.025);
      if (gain > tol) under.push(`${r.workload}@${r.capW}`);
      // The rows under the hull are exactly the ones listed as dropped.
      const isDropped = a100.droppedPoints[r.workload]!.some((d) => d.capW === r.capW);
      expect(isDropped, `${r.workload} @ ${r.capW} W`).toBe(gain > tol);
    }
    // Four 350 W points sit 0.4–2.2 % under the chord of their 300 W and 400 W neighbours.
    expect(under.sort()).toEqual(['ft_llama_8b_p3@350', 'pt_mpt_13b_lg@350', 'pt_mpt_13b_sm@350', 'pt_mpt_7b_fast@350']);
  });

  it('keeps all six measured points of every sweep, sorted by cap, including those under the hull', () => {
    for (const name of Object.keys(PHOENIX_A100_DVFS)) {
      const m = a100.measured[name]!;
      expect(m.map((p) => p.capW)).toEqual([100, 200, 250, 300, 350, 400]);
      expect(m.map((p) => p.gpuPowerW)).toEqual(PHOENIX_A100_DVFS[name]!.map((p) => p.powerW));
    }
    expect(a100.curves.pt_mpt_13b_sm!.map((p) => p.capW)).toEqual([100, 200, 250, 300, 400]);
  });

  it('interpolates throughputAtCap by cap between measured caps and holds the top point above them', () => {
    const m = a100.measured.infer_llama_8b!;
    const [p300, p350] = [m[3]!, m[4]!];
    expect(throughputAtCap(a100, 'infer_llama_8b', 325)).toBeCloseTo((p300.throughput + p350.throughput) / 2, 12);
    expect(operatingPointAtCap(a100, 'infer_llama_8b', 325).gpuPowerW).toBeCloseTo((p300.gpuPowerW + p350.gpuPowerW) / 2, 12);
    // pt_mpt_13b_sm at a steady 350 W cap does less than the frontier at the same average power.
    const sm350 = operatingPointAtCap(a100, 'pt_mpt_13b_sm', 350);
    expect(throughputAtPower(a100.curves.pt_mpt_13b_sm!, sm350.gpuPowerW, a100.idleW)).toBeGreaterThan(sm350.throughput * 1.02);
    // Class fallback by prefix, and the settable range.
    expect(throughputAtCap(a100, 'pt_custom_job', 200)).toBeCloseTo(a100.measured.training![1]!.throughput, 12);
    expect(() => throughputAtCap(a100, 'infer_llama_8b', 90)).toThrow(RangeError);
    expect(() => throughputAtCap(a100, 'infer_llama_8b', 401)).toThrow(RangeError);
    expect(() => throughputAtCap(a100, 'no_such_curve', 200)).toThrow(/available/);
    // Derived curves start at 35 % of TDP: below that no cap has a listed point.
    const h100 = resolveAccelerators().get('H100')!;
    expect(throughputAtCap(h100, 'training', 700)).toBe(1);
    expect(() => throughputAtCap(h100, 'training', 200)).toThrow(/lowest 245/);
  });

  it('builds the training class curve as the mean of the pretraining sweeps', () => {
    const at200 = PHOENIX_PRETRAINING.map((n) => PHOENIX_A100_DVFS[n]!.find((p) => p.capW === 200)!);
    const p200 = a100.curves.training!.find((p) => p.capW === 200)!;
    expect(p200.gpuPowerW).toBeCloseTo(at200.reduce((s, p) => s + p.powerW, 0) / 3, 9);
    expect(p200.throughput).toBeCloseTo(at200.reduce((s, p) => s + p.throughput, 0) / 3, 9);
    expect(a100.curves.inference).toEqual(a100.curves.infer_llama_8b);
    expect(a100.curves.batch).toEqual(a100.curves.inference);
  });

  it('fills itPowerW from the node overhead', () => {
    for (const p of a100.curves.training!) {
      const share = (p.gpuPowerW - a100.idleW) / (a100.tdpW - a100.idleW);
      expect(p.itPowerW).toBeCloseTo(p.gpuPowerW + 165 + (412.5 - 165) * share, 9);
    }
  });

  it('agrees with the numbers.md §1c law within 0.03 at caps of 50 % TDP and above (a check of the assumption)', () => {
    for (const p of a100.curves.training!.filter((q) => q.capW >= 200)) {
      const law = Math.cbrt((p.gpuPowerW / 400 - 0.3) / 0.7);
      expect(Math.abs(law - p.throughput)).toBeLessThan(0.03);
    }
  });
});

describe('catalogue', () => {
  const all = resolveAccelerators();

  it('holds the five built-in models with class curves, token rates and sources', () => {
    expect(catalogueIds()).toEqual(['A100', 'H100', 'H200', 'B200', 'Ascend-910B']);
    for (const id of catalogueIds()) {
      const a = all.get(id)!;
      for (const cls of ['training', 'inference', 'batch']) {
        expect(a.curves[cls]!.length, `${id} ${cls}`).toBeGreaterThanOrEqual(2);
        expect(a.tokensPerSecondPerGpu[cls], `${id} ${cls}`).toBeGreaterThan(0);
      }
      expect(a.source.length).toBeGreaterThan(20);
      expect(a.idleW).toBeLessThan(a.minCapW);
    }
    expect(all.get('Ascend-910B')!.verified).toBe(false);
    expect(all.get('Ascend-910B')!.source).toMatch(/UNVERIFIED/);
    expect(all.get('H100')!.nodeOverheadMaxW).toBe(10_200 / 8 - 700);
    expect(all.get('H100')!.tokensPerSecondPerGpu.inference).toBe(1800);
  });

  it('keeps every curve concave and non-decreasing after hulling', () => {
    for (const [id, a] of all) for (const [name, c] of Object.entries(a.curves)) expectConcaveNonDecreasing(c, `${id} ${name}`);
  });

  it('derives H100 training from the §1c law: 0.95 at 90 % TDP, 0.66 at 50 %', () => {
    const h100 = all.get('H100')!;
    const at = (w: number) => throughputAtPower(h100.curves.training!, w, h100.idleW);
    expect(at(630)).toBeCloseTo(0.95, 2);
    expect(at(350)).toBeCloseTo(0.659, 3);
    expect(at(700)).toBe(1);
  });

  it('applies overrides: given fields replace, curves merge by name', () => {
    const m = resolveAccelerators([
      { id: 'A100', idleW: 60, tokensPerSecondPerGpu: { inference: 900 } },
      { id: 'my-h100', extends: 'H100', tdpW: 600, curves: { special: [{ capW: 300, powerW: 290, throughput: 0.7 }, { capW: 600, powerW: 590, throughput: 1 }] } },
    ]);
    const a = m.get('A100')!;
    expect(a.idleW).toBe(60);
    expect(a.tdpW).toBe(400);
    expect(a.tokensPerSecondPerGpu.inference).toBe(900);
    expect(a.tokensPerSecondPerGpu.training).toBe(CATALOGUE.get('A100')!.tokensPerSecondPerGpu.training);
    const h = m.get('my-h100')!;
    expect(h.tdpW).toBe(600);
    expect(Object.keys(h.curves)).toEqual(expect.arrayContaining(['training', 'inference', 'batch', 'special']));
    // Derived curves follow the new TDP: the top training point is at 600 W.
    expect(h.curves.training!.at(-1)!.gpuPowerW).toBeCloseTo(600, 9);
    expect(h.curves.training).toHaveLength(derivedTrainingCurve(600, 200).length);
    expect(m.get('H100')!.tdpW).toBe(700);
  });

  it('drops measured points that a lower TDP makes unreachable, with the reason', () => {
    const a = resolveAccelerators([{ id: 'A100', tdpW: 300 }]).get('A100')!;
    expect(a.curves.inference!.every((p) => p.capW <= 300)).toBe(true);
    expect(a.droppedPoints.inference!.map((d) => d.reason).join(' ')).toMatch(/cap above tdpW/);
  });

  it('requires every field of a new model, naming each missing one', () => {
    const e = catchError(() => resolveAccelerators([{ id: 'X1', tdpW: 500 }], 'accelerators'));
    expect(e).toBeInstanceOf(InputError);
    const ie = e as InputError;
    expect(ie.code).toBe('SCENARIO_INVALID');
    expect(ie.location.path).toBe('accelerators[0].idleW');
    expect(ie.details).toEqual([
      'accelerators[0].idleW is missing',
      'accelerators[0].minCapW is missing',
      'accelerators[0].nodeOverheadIdleW is missing',
      'accelerators[0].nodeOverheadMaxW is missing',
      'accelerators[0].curves is missing',
    ]);
  });

  it('accepts a complete new model', () => {
    const x = resolveAccelerators([
      {
        id: 'X1',
        tdpW: 500,
        idleW: 50,
        minCapW: 150,
        nodeOverheadIdleW: 100,
        nodeOverheadMaxW: 300,
        curves: { training: [{ capW: 250, powerW: 250, throughput: 0.7 }, { capW: 500, powerW: 480, throughput: 1 }] },
      },
    ]).get('X1')!;
    expect(x.vendor).toBe('custom');
    expect(x.curves.training!.map((p) => p.itPowerW)).toEqual([250 + 100 + (200 * 200) / 450, 480 + 100 + (200 * 430) / 450]);
  });

  it('rejects an unknown extends, listing valid ids', () => {
    const e = catchError(() => resolveAccelerators([{ id: 'Y', extends: 'H300' }], 'accelerators'));
    expect(e).toBeInstanceOf(InputError);
    expect(e).toMatchObject({ code: 'SCENARIO_REFERENCE', location: { path: 'accelerators[0].extends' } });
    expect((e as InputError).message).toMatch(/A100, H100, H200, B200, Ascend-910B/);
  });

  it('rejects a curve point that draws no more than idle power', () => {
    const e = catchError(() =>
      resolveAccelerators([{ id: 'H100', curves: { training: [{ capW: 200, powerW: 50, throughput: 0.1 }, { capW: 700, powerW: 700, throughput: 1 }] } }]),
    );
    expect(e).toBeInstanceOf(InputError);
    expect(e).toMatchObject({ code: 'SCENARIO_INVALID', location: { path: 'accelerators[0].curves.training[0].powerW' } });
  });

  it('curveFor falls back to the class default and lists available curves when nothing fits', () => {
    const h100 = all.get('H100')!;
    expect(curveFor(h100, 'ft_llama_8b_dolly')).toBe(h100.curves.training);
    expect(curveFor(h100, 'my-profile', 'w', 'inference')).toBe(h100.curves.inference);
    expect(curveFor(all.get('A100')!, 'ft_llama_8b_dolly')).toBe(all.get('A100')!.curves.ft_llama_8b_dolly);
    expect(() => curveFor(h100, 'unknown', 'workloads[2].curve')).toThrow(/available: batch, inference, training/);
  });
});
