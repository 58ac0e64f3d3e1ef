/**
 * Built-in accelerator catalogue and the resolution of scenario overrides into Accelerator models.
 * Every figure carries its source and confidence tag (V/S/M/D as in reference/numbers.md); the
 * table with derivations is in docs/model.md §1.
 */
import { InputError } from '../errors/index.ts';
import type { AcceleratorSpec, CurvePoint } from '../scenario/schema/accelerator.ts';
import { hullCurve, itPowerPerGpuW } from './gpu.ts';
import { PHOENIX_A100_DVFS, PHOENIX_INFERENCE, PHOENIX_PRETRAINING } from './phoenix-a100.ts';
import type { Accelerator, AcceleratorFigures, DroppedPoint, OperatingPoint } from './types.ts';

/** A complete accelerator specification (every field known), before hulling. */
export interface AcceleratorDefinition extends AcceleratorFigures {
  curves: Record<string, readonly CurvePoint[]>;
  /**
   * Class curves come from the TDP-relative laws below (no measurement), so they are derived
   * again when a scenario changes tdpW or minCapW.
   */
  derivedCurves: boolean;
}

/** Static power share of TDP in the compute-bound law (numbers.md §1c, D: an assumption). */
export const STATIC_POWER_SHARE = 0.3;

/** TDP of the A100 SXM the Phoenix sweep ran on, W. */
const A100_TDP_W = 400;

/** H100 SXM HBM3 bandwidth, TB/s (M): the reference for scaling inference token rates. */
const H100_HBM_TBPS = 3.35;

/**
 * Compute-bound training under a cap (numbers.md §1c, D): throughput = ((x − 0.30)/0.70)^(1/3)
 * with x = cap/TDP, and the GPU drawing its cap. Points every 5 % of TDP from
 * max(minCap, 35 % TDP) to TDP.
 */
export function derivedTrainingCurve(tdpW: number, minCapW: number): CurvePoint[] {
  const points: CurvePoint[] = [];
  const lowest = Math.max(minCapW, 0.35 * tdpW);
  for (let pct = 35; pct <= 100; pct += 5) {
    const capW = (pct * tdpW) / 100;
    if (capW < lowest - 1e-9) continue;
    points.push({ capW, powerW: capW, throughput: Math.cbrt((capW / tdpW - STATIC_POWER_SHARE) / (1 - STATIC_POWER_SHARE)) });
  }
  if (minCapW > 0.35 * tdpW && !points.some((p) => Math.abs(p.capW - minCapW) < 1e-9) && minCapW < tdpW) {
    points.push({ capW: minCapW, powerW: minCapW, throughput: Math.cbrt((minCapW / tdpW - STATIC_POWER_SHARE) / (1 - STATIC_POWER_SHARE)) });
    points.sort((a, b) => a.capW - b.capW);
  }
  return points;
}

/**
 * Memory-bound inference (an assumption): the measured A100 llama-8B inference sweep with caps
 * and power as shares of TDP, keeping points whose cap can be set (≥ minCapW). Flatter than the
 * training law: 0.93 of full speed at 72 % of TDP.
 */
export function derivedInferenceCurve(tdpW: number, minCapW: number): CurvePoint[] {
  return PHOENIX_A100_DVFS[PHOENIX_INFERENCE]!.map((p) => ({
    capW: (p.capW / A100_TDP_W) * tdpW,
    powerW: (p.powerW / A100_TDP_W) * tdpW,
    throughput: p.throughput,
  })).filter((p) => p.capW >= minCapW - 1e-9);
}

/** Mean of several sweeps taken at the same caps (power and throughput averaged per cap). */
function meanCurve(names: readonly string[]): CurvePoint[] {
  const sweeps = names.map((n) => PHOENIX_A100_DVFS[n]!);
  return sweeps[0]!.map((p, i) => ({
    capW: p.capW,
    powerW: sweeps.reduce((s, c) => s + c[i]!.powerW, 0) / sweeps.length,
    throughput: sweeps.reduce((s, c) => s + c[i]!.throughput, 0) / sweeps.length,
  }));
}

function derivedClassCurves(tdpW: number, minCapW: number): Record<string, CurvePoint[]> {
  const inference = derivedInferenceCurve(tdpW, minCapW);
  return { training: derivedTrainingCurve(tdpW, minCapW), inference, batch: inference.map((p) => ({ ...p })) };
}

/**
 * Tokens per second per GPU for a 70B-class dense LLM (the reference model of numbers.md §1d).
 * Inference: 1,800 tok/s for H100 FP8 at batch 16 (gpuadvisor.com, S), scaled to other GPUs by
 * HBM bandwidth (decode is memory-bound; an assumption). Training: 6·N FLOPs per token at 40 %
 * MFU of dense BF16 peak (an assumption; peaks M). Batch inference: same as inference (no
 * source for a batch-size uplift; conservative assumption).
 */
function tokenRates(hbmTBps: number, bf16DenseTflops: number): Record<string, number> {
  const inference = Math.round((1800 * hbmTBps) / H100_HBM_TBPS);
  const training = Math.round((0.4 * bf16DenseTflops * 1e12) / (6 * 70e9));
  return { training, inference, batch: inference };
}
const a100Curves: Record<string, CurvePoint[]> = {
  ...Object.fromEntries(Object.entries(PHOENIX_A100_DVFS).map(([k, v]) => [k, v.map((p) => ({ ...p }))])),
  training: meanCurve(PHOENIX_PRETRAINING),
  inference: PHOENIX_A100_DVFS[PHOENIX_INFERENCE]!.map((p) => ({ ...p })),
  batch: PHOENIX_A100_DVFS[PHOENIX_INFERENCE]!.map((p) => ({ ...p })),
};

/** The built-in models. Sources and confidence tags are in each `source` and in docs/model.md §1. */
export const CATALOGUE: ReadonlyMap<string, AcceleratorDefinition> = new Map(
  (
    [
      {
        id: 'A100',
        vendor: 'NVIDIA',
        tdpW: 400,
        idleW: 55,
        minCapW: 100,
        // DGX A100: 6.5 kW max for 8 GPUs (S) → 6500/8 − 400 = 412.5 W host share at full power.
        nodeOverheadMaxW: 412.5,
        nodeOverheadIdleW: 165,
        curves: a100Curves,
        tokensPerSecondPerGpu: tokenRates(2.039, 312),
        source:
          'A100 SXM 400 W (S). Curves: measured DVFS sweep of the Emerald AI Phoenix field test (arXiv 2507.00909, dvfs_sweep.csv, V); ' +
          'training = mean of the three pretraining sweeps, inference = batch = infer_llama_8b. Host share from DGX A100 6.5 kW max (S). ' +
          'Assumptions: idle 55 W (M), host idle share 40 % of max, min cap 100 W (lowest cap in the sweep), token rates (see docs/model.md).',
        verified: true,
        derivedCurves: false,
      },
      {
        id: 'H100',
        vendor: 'NVIDIA',
        tdpW: 700,
        idleW: 65,
        minCapW: 200,
        // DGX H100: 10.2 kW max for 8 GPUs (arXiv 2506.14551, V) → 1275 − 700 = 575 W.
        nodeOverheadMaxW: 575,
        nodeOverheadIdleW: 230,
        curves: derivedClassCurves(700, 200),
        tokensPerSecondPerGpu: tokenRates(3.35, 989),
        priceUsd: Math.round(317_000 / 8),
        source:
          'H100 SXM5 700 W (S); cap range 200–700 W (NVIDIA DGX user guide Redfish example, S); DGX H100 10.2 kW (arXiv 2506.14551, V); ' +
          'price = 8×H100 HGX server $317k / 8 (S). Curves are NOT measured: training from the numbers.md §1c law, inference from the A100 ' +
          'inference shape scaled to TDP (assumptions). Idle 65 W (M), host idle share 40 % (assumption), inference 1,800 tok/s (70B FP8, S).',
        verified: true,
        derivedCurves: true,
      },
      {
        id: 'H200',
        vendor: 'NVIDIA',
        tdpW: 700,
        idleW: 70,
        minCapW: 200,
        // DGX H200: 10.2 kW max input, same chassis as DGX H100 (S).
        nodeOverheadMaxW: 575,
        nodeOverheadIdleW: 230,
        curves: derivedClassCurves(700, 200),
        tokensPerSecondPerGpu: tokenRates(4.8, 989),
        source:
          'H200 SXM 700 W TGP (S/V); DGX H200 10.2 kW max (S); HBM 4.8 TB/s (S). Curves derived (numbers.md §1c law; A100 inference shape), ' +
          'not measured. Idle 70 W and min cap 200 W are assumptions (M); no price in the reference figures.',
        verified: true,
        derivedCurves: true,
      },
      {
        id: 'B200',
        vendor: 'NVIDIA',
        tdpW: 1000,
        idleW: 100,
        minCapW: 200,
        // DGX B200: 14.3 kW max for 8 GPUs (S) → 1787.5 − 1000 = 787.5 W.
        nodeOverheadMaxW: 787.5,
        nodeOverheadIdleW: 315,
        curves: derivedClassCurves(1000, 200),
        tokensPerSecondPerGpu: tokenRates(8.0, 2250),
        priceUsd: Math.round(3_000_000 / 72),
        source:
          'B200 HGX 1000 W (S); DGX B200 14.3 kW (S); price proxy = GB200 NVL72 rack ≈ $3M / 72 (S, low confidence). Curves derived ' +
          '(numbers.md §1c law; A100 inference shape), not measured. Idle 100 W (10 % TDP), min cap 200 W, HBM 8 TB/s and 2.25 PFLOPS ' +
          'dense BF16 are assumptions (M).',
        verified: true,
        derivedCurves: true,
      },
      {
        id: 'Ascend-910B',
        vendor: 'Huawei',
        tdpW: 400,
        idleW: 40,
        minCapW: 120,
        // No Atlas 800T A2 system power found: host share taken at the DGX H100 ratio 575/700 of TDP.
        nodeOverheadMaxW: Math.round((575 / 700) * 400),
        nodeOverheadIdleW: Math.round(0.4 * (575 / 700) * 400),
        curves: derivedClassCurves(400, 120),
        tokensPerSecondPerGpu: tokenRates(1.6, 320),
        source:
          'UNVERIFIED: Ascend 910B ~400 W per chip is commonly quoted but not found in a source (numbers.md §1a, M). Idle 40 W, min cap ' +
          '120 W, host share (DGX H100 ratio), HBM 1.6 TB/s and 320 TFLOPS FP16 are assumptions. Curves derived (numbers.md §1c law; ' +
          'A100 inference shape). No price in the reference figures.',
        verified: false,
        derivedCurves: true,
      },
    ] satisfies AcceleratorDefinition[]
  ).map((d) => [d.id, d]),
);

/** Ids of the built-in models, in catalogue order. */
export function catalogueIds(): string[] {
  return [...CATALOGUE.keys()];
}

const REQUIRED_FOR_NEW = ['tdpW', 'idleW', 'minCapW', 'nodeOverheadIdleW', 'nodeOverheadMaxW', 'curves'] as const;

function invalid(message: string, path: string, details: string[] = []): InputError {
  return new InputError('SCENARIO_INVALID', message, { path }, details);
}

/**
 * Hulls the curves of a complete definition and fills itPowerW: the resolved Accelerator.
 * `curves` holds each hull (the operating frontier), `measured` the settable listed points sorted
 * by cap (what one steady cap gives). Points whose cap cannot be set (below minCapW or above
 * tdpW) or that draw more than tdpW are dropped from both with a reason; a point drawing no more
 * than idleW is an input error.
 */
export function buildAccelerator(def: AcceleratorDefinition, path: string): Accelerator {
  if (!(def.idleW < def.tdpW)) throw invalid(`idleW (${def.idleW} W) must be below tdpW (${def.tdpW} W)`, `${path}.idleW`);
  if (!(def.minCapW <= def.tdpW)) throw invalid(`minCapW (${def.minCapW} W) must not exceed tdpW (${def.tdpW} W)`, `${path}.minCapW`);
  if (!(def.nodeOverheadMaxW >= def.nodeOverheadIdleW)) {
    throw invalid(
      `nodeOverheadMaxW (${def.nodeOverheadMaxW} W) must be at least nodeOverheadIdleW (${def.nodeOverheadIdleW} W)`,
      `${path}.nodeOverheadMaxW`,
    );
  }
  const curves: Record<string, OperatingPoint[]> = {};
  const measured: Record<string, OperatingPoint[]> = {};
  const droppedPoints: Record<string, DroppedPoint[]> = {};
  const tol = 1e-9;
  for (const [name, raw] of Object.entries(def.curves)) {
    const usable: OperatingPoint[] = [];
    const dropped: DroppedPoint[] = [];
    raw.forEach((p, j) => {
      if (!(p.powerW > def.idleW)) {
        throw invalid(
          `curve "${name}" point ${j} draws ${p.powerW} W, not more than idleW (${def.idleW} W); a running GPU draws more than an idle one`,
          `${path}.curves.${name}[${j}].powerW`,
        );
      }
      const op: OperatingPoint = { capW: p.capW, gpuPowerW: p.powerW, itPowerW: itPowerPerGpuW(def, p.powerW), throughput: p.throughput };
      if (p.capW < def.minCapW - tol) dropped.push({ ...op, reason: `cap below minCapW (${def.minCapW} W)` });
      else if (p.capW > def.tdpW + tol) dropped.push({ ...op, reason: `cap above tdpW (${def.tdpW} W)` });
      else if (p.powerW > def.tdpW + tol) dropped.push({ ...op, reason: `draws more than tdpW (${def.tdpW} W)` });
      else usable.push(op);
    });
    if (usable.length === 0) {
      throw invalid(`curve "${name}" has no point with a cap between minCapW (${def.minCapW} W) and tdpW (${def.tdpW} W)`, `${path}.curves.${name}`);
    }
    const hulled = hullCurve(usable);
    curves[name] = hulled.points;
    measured[name] = [...usable].sort((a, b) => a.capW - b.capW || a.gpuPowerW - b.gpuPowerW);
    droppedPoints[name] = [...dropped, ...hulled.dropped].sort((a, b) => a.gpuPowerW - b.gpuPowerW);
  }
  return {
    id: def.id,
    vendor: def.vendor,
    tdpW: def.tdpW,
    idleW: def.idleW,
    minCapW: def.minCapW,
    nodeOverheadIdleW: def.nodeOverheadIdleW,
    nodeOverheadMaxW: def.nodeOverheadMaxW,
    curves,
    measured,
    droppedPoints,
    tokensPerSecondPerGpu: { ...def.tokensPerSecondPerGpu },
    ...(def.priceUsd !== undefined ? { priceUsd: def.priceUsd } : {}),
    source: def.source,
    verified: def.verified,
  };
}

/** Applies one override to a base definition: given fields replace, curve and token maps merge by key. */
function applyOverride(base: AcceleratorDefinition, o: AcceleratorSpec): AcceleratorDefinition {
  const tdpW = o.tdpW ?? base.tdpW;
  const minCapW = o.minCapW ?? base.minCapW;
  // Derived curves follow a changed TDP or cap floor; measured ones stay as measured.
  const rederive = base.derivedCurves && (tdpW !== base.tdpW || minCapW !== base.minCapW);
  const baseCurves = rederive ? { ...base.curves, ...derivedClassCurves(tdpW, minCapW) } : base.curves;
  const changed = Object.keys(o).filter((k) => k !== 'id' && k !== 'extends');
  return {
    id: o.id,
    vendor: o.vendor ?? base.vendor,
    tdpW,
    idleW: o.idleW ?? base.idleW,
    minCapW,
    nodeOverheadIdleW: o.nodeOverheadIdleW ?? base.nodeOverheadIdleW,
    nodeOverheadMaxW: o.nodeOverheadMaxW ?? base.nodeOverheadMaxW,
    curves: { ...baseCurves, ...(o.curves ?? {}) },
    tokensPerSecondPerGpu: { ...base.tokensPerSecondPerGpu, ...(o.tokensPerSecondPerGpu ?? {}) },
    ...((o.priceUsd ?? base.priceUsd) !== undefined ? { priceUsd: o.priceUsd ?? base.priceUsd } : {}),
    source: changed.length ? `${base.source} Scenario overrides: ${changed.join(', ')}.` : base.source,
    verified: base.verified,
    derivedCurves: base.derivedCurves,
  };
}

/**
 * The catalogue with a scenario's accelerator entries applied, as resolved models by id. An entry
 * whose id is a catalogue model (or that names one in `extends`) replaces the fields it gives;
 * a new id must give every required field. Later entries may extend earlier ones.
 */
export function resolveAccelerators(overrides: readonly AcceleratorSpec[] = [], pathPrefix = 'accelerators'): Map<string, Accelerator> {
  const defs = new Map<string, AcceleratorDefinition>(CATALOGUE);
  const paths = new Map<string, string>([...CATALOGUE.keys()].map((id) => [id, `catalogue.${id}`]));
  const seen = new Set<string>();
  overrides.forEach((o, i) => {
    const p = `${pathPrefix}[${i}]`;
    if (seen.has(o.id)) throw invalid(`accelerator id "${o.id}" appears more than once`, `${p}.id`);
    seen.add(o.id);
    let base: AcceleratorDefinition | undefined;
    if (o.extends !== undefined) {
      base = defs.get(o.extends);
      if (!base) {
        throw new InputError(
          'SCENARIO_REFERENCE',
          `accelerator "${o.id}" extends "${o.extends}", which is not defined; valid ids: ${[...defs.keys()].join(', ')}`,
          { path: `${p}.extends` },
        );
      }
    } else {
      base = defs.get(o.id);
    }
    if (base) {
      defs.set(o.id, applyOverride(base, o));
    } else {
      const missing = REQUIRED_FOR_NEW.filter((k) => o[k] === undefined);
      if (missing.length) {
        throw invalid(
          `accelerator "${o.id}" is not a catalogue model and extends none, so it needs ${missing.join(', ')} ` +
            `(or "extends": one of ${[...defs.keys()].join(', ')})`,
          `${p}.${missing[0]}`,
          missing.map((k) => `${p}.${k} is missing`),
        );
      }
      defs.set(o.id, {
        id: o.id,
        vendor: o.vendor ?? 'custom',
        tdpW: o.tdpW!,
        idleW: o.idleW!,
        minCapW: o.minCapW!,
        nodeOverheadIdleW: o.nodeOverheadIdleW!,
        nodeOverheadMaxW: o.nodeOverheadMaxW!,
        curves: o.curves!,
        tokensPerSecondPerGpu: o.tokensPerSecondPerGpu ?? {},
        ...(o.priceUsd !== undefined ? { priceUsd: o.priceUsd } : {}),
        source: 'defined in the scenario',
        verified: true,
        derivedCurves: false,
      });
    }
    paths.set(o.id, p);
  });
  const out = new Map<string, Accelerator>();
  for (const [id, def] of defs) out.set(id, buildAccelerator(def, paths.get(id)!));
  return out;
}
