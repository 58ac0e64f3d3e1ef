/**
 * GPU power → throughput model. A curve is the upper concave hull of measured or assumed
 * operating points: switching the power cap over time between two points (all GPUs of a job
 * together) achieves any point on the segment joining them, so a point under the hull is never
 * worth using. The measured points themselves answer "what does this one cap give"
 * (throughputAtCap). See docs/model.md §1.1.
 */
import { InputError } from '../errors/index.ts';
import type { Accelerator, DroppedPoint, OperatingPoint } from './types.ts';

/** A point with a power and a throughput, the minimum the hull needs. */
export interface PowerThroughput {
  gpuPowerW: number;
  throughput: number;
}

/**
 * Upper concave hull of points in (gpuPowerW, throughput), sorted by power. Points under the
 * hull, on it between two hull vertices (collinear), or sharing a power with a better point go
 * to `dropped`.
 */
export function upperConcaveHull<P extends PowerThroughput>(points: readonly P[]): { hull: P[]; dropped: P[] } {
  const sorted = [...points].sort((a, b) => a.gpuPowerW - b.gpuPowerW || b.throughput - a.throughput);
  const hull: P[] = [];
  const dropped: P[] = [];
  for (const q of sorted) {
    const last = hull[hull.length - 1];
    if (last && last.gpuPowerW === q.gpuPowerW) {
      // Same power, lower (or equal) throughput: sorted so the better one came first.
      dropped.push(q);
      continue;
    }
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!;
      const b = hull[hull.length - 1]!;
      // Cross product of (b − a) × (q − a); ≥ 0 means b is on or under the chord a–q.
      const cross = (b.gpuPowerW - a.gpuPowerW) * (q.throughput - a.throughput) - (b.throughput - a.throughput) * (q.gpuPowerW - a.gpuPowerW);
      if (cross >= 0) dropped.push(hull.pop()!);
      else break;
    }
    hull.push(q);
  }
  return { hull, dropped };
}

/**
 * Reduces operating points to a usable curve: the upper concave hull, cut after the first point
 * of highest throughput (more power for no more work is never chosen). Throughput is then
 * strictly increasing in power, so the curve has an inverse.
 */
export function hullCurve(points: readonly OperatingPoint[]): { points: OperatingPoint[]; dropped: DroppedPoint[] } {
  const { hull, dropped } = upperConcaveHull(points);
  const out: DroppedPoint[] = dropped.map((p) => ({ ...p, reason: 'under the upper concave hull (alternating the caps of its neighbours over time does at least as much work for the same average power)' }));
  let top = 0;
  for (let i = 1; i < hull.length; i++) if (hull[i]!.throughput > hull[top]!.throughput) top = i;
  for (const p of hull.slice(top + 1)) out.push({ ...p, reason: 'draws more power than a point with at least the same throughput' });
  out.sort((a, b) => a.gpuPowerW - b.gpuPowerW);
  return { points: hull.slice(0, top + 1), dropped: out };
}

/**
 * Throughput (relative to full speed) at an average GPU power, piecewise linear on the hull.
 * Below the lowest point it falls linearly to 0 at `idleW` (time-sharing the lowest point with
 * a paused GPU); above the top it stays flat. Pass the accelerator's idleW; without it the
 * paused GPU is taken to draw 0 W.
 */
export function throughputAtPower(curve: readonly PowerThroughput[], gpuPowerW: number, idleW = 0): number {
  const first = curve[0];
  if (!first) throw new RangeError('throughputAtPower: empty curve');
  if (gpuPowerW <= idleW) return 0;
  if (gpuPowerW < first.gpuPowerW) {
    const span = first.gpuPowerW - idleW;
    return span > 0 ? (first.throughput * (gpuPowerW - idleW)) / span : first.throughput;
  }
  for (let i = 1; i < curve.length; i++) {
    const b = curve[i]!;
    if (gpuPowerW <= b.gpuPowerW) {
      const a = curve[i - 1]!;
      return a.throughput + ((b.throughput - a.throughput) * (gpuPowerW - a.gpuPowerW)) / (b.gpuPowerW - a.gpuPowerW);
    }
  }
  return curve[curve.length - 1]!.throughput;
}

/**
 * Lowest average GPU power that delivers `throughput` on the hull (the inverse of
 * throughputAtPower). Throughput 0 needs `idleW`. Throws RangeError above the curve's top.
 */
export function gpuPowerForThroughput(curve: readonly PowerThroughput[], throughput: number, idleW = 0): number {
  const first = curve[0];
  if (!first) throw new RangeError('gpuPowerForThroughput: empty curve');
  const top = curve[curve.length - 1]!;
  if (throughput > top.throughput * (1 + 1e-12)) {
    throw new RangeError(`gpuPowerForThroughput: throughput ${throughput} is above the curve's top ${top.throughput}`);
  }
  if (throughput <= 0) return idleW;
  if (throughput <= first.throughput) return idleW + ((first.gpuPowerW - idleW) * throughput) / first.throughput;
  for (let i = 1; i < curve.length; i++) {
    const b = curve[i]!;
    if (throughput <= b.throughput) {
      const a = curve[i - 1]!;
      return a.gpuPowerW + ((b.gpuPowerW - a.gpuPowerW) * (throughput - a.throughput)) / (b.throughput - a.throughput);
    }
  }
  return top.gpuPowerW;
}

/**
 * GPU power at a utilisation u ∈ [0, 1] under a cap: idle + (min(cap, tdp) − idle)·log2(1 + u),
 * the SustainCluster form (Tang & Fu 2020), for work that is not a curve point (e.g. serving at
 * partial load).
 */
export function gpuPowerAtUtilisation(acc: Pick<Accelerator, 'idleW' | 'tdpW'>, utilisation: number, capW: number = acc.tdpW): number {
  const u = Math.min(1, Math.max(0, utilisation));
  const full = Math.max(acc.idleW, Math.min(capW, acc.tdpW));
  return acc.idleW + (full - acc.idleW) * Math.log2(1 + u);
}

/**
 * IT power per GPU slot: the GPU plus its share of host power (CPU, memory, NICs, fans), which
 * rises linearly from nodeOverheadIdleW at GPU idle to nodeOverheadMaxW at GPU TDP.
 */
export function itPowerPerGpuW(
  acc: Pick<Accelerator, 'idleW' | 'tdpW' | 'nodeOverheadIdleW' | 'nodeOverheadMaxW'>,
  gpuPowerW: number,
): number {
  const span = acc.tdpW - acc.idleW;
  const share = span > 0 ? Math.min(1, Math.max(0, (gpuPowerW - acc.idleW) / span)) : 1;
  return gpuPowerW + acc.nodeOverheadIdleW + (acc.nodeOverheadMaxW - acc.nodeOverheadIdleW) * share;
}

/** The workload class a named job profile belongs to, from its prefix (pt_/ft_ train, infer_ serves). */
export function classOfProfile(name: string): string | undefined {
  if (/^(pt|ft|train)[_-]/i.test(name)) return 'training';
  if (/^(infer|serve)[_-]/i.test(name)) return 'inference';
  if (/^batch[_-]/i.test(name)) return 'batch';
  return undefined;
}

/** The entry of `record` for `name`, else that of its class; undefined when neither exists. */
function pickByNameOrClass<T>(record: Record<string, T>, name: string, fallbackClass?: string): T | undefined {
  const named = record[name];
  if (named) return named;
  const cls = fallbackClass ?? classOfProfile(name);
  return cls !== undefined ? record[cls] : undefined;
}

function noCurve(acc: Accelerator, name: string, path: string): InputError {
  const available = Object.keys(acc.curves).sort();
  return new InputError('SCENARIO_REFERENCE', `accelerator "${acc.id}" has no curve "${name}"; available: ${available.join(', ')}`, { path });
}

/**
 * The curve (operating frontier, the hull) to use for `name` on an accelerator: the named curve,
 * else the default curve of its class (`fallbackClass`, or the class read from the name's
 * prefix), else an InputError that lists the curves available.
 */
export function curveFor(acc: Accelerator, name: string, path = 'curve', fallbackClass?: string): OperatingPoint[] {
  const curve = pickByNameOrClass(acc.curves, name, fallbackClass);
  if (!curve) throw noCurve(acc, name, path);
  return curve;
}

/** The measured (listed, un-hulled) points for `name`, resolved like curveFor. */
export function measuredFor(acc: Accelerator, name: string, path = 'curve', fallbackClass?: string): OperatingPoint[] {
  const points = pickByNameOrClass(acc.measured, name, fallbackClass);
  if (!points) throw noCurve(acc, name, path);
  return points;
}

/**
 * The steady operating point when every GPU of a job holds the power cap `capW`, by linear
 * interpolation of the MEASURED points by cap (not the hull): cap, GPU power, IT power and
 * throughput. Above the highest listed cap the top point applies (a looser cap does not bind);
 * a cap below the lowest listed cap has no measurement and is a RangeError, as is a cap outside
 * minCapW–tdpW. To spend an average power in the best way, use the hull (throughputAtPower).
 */
export function operatingPointAtCap(acc: Accelerator, curveName: string, capW: number, fallbackClass?: string): OperatingPoint {
  if (!(capW >= acc.minCapW - 1e-9 && capW <= acc.tdpW + 1e-9)) {
    throw new RangeError(`operatingPointAtCap: cap ${capW} W is outside the settable range ${acc.minCapW}–${acc.tdpW} W of "${acc.id}"`);
  }
  const pts = measuredFor(acc, curveName, 'curve', fallbackClass);
  const first = pts[0]!;
  if (capW < first.capW - 1e-9) {
    throw new RangeError(`operatingPointAtCap: curve "${curveName}" of "${acc.id}" has no point at or below a ${capW} W cap (lowest ${first.capW} W)`);
  }
  const last = pts[pts.length - 1]!;
  if (capW >= last.capW) return { ...last };
  for (let i = 1; i < pts.length; i++) {
    const b = pts[i]!;
    if (capW <= b.capW) {
      const a = pts[i - 1]!;
      if (b.capW === a.capW) return { ...b };
      const t = (capW - a.capW) / (b.capW - a.capW);
      const mix = (x: number, y: number) => x + (y - x) * t;
      return { capW, gpuPowerW: mix(a.gpuPowerW, b.gpuPowerW), itPowerW: mix(a.itPowerW, b.itPowerW), throughput: mix(a.throughput, b.throughput) };
    }
  }
  return { ...first };
}

/**
 * Throughput (relative to full speed) when the cap is set to `capW` and held: the measured
 * points interpolated by cap. This answers "what do I get with this cap"; the hull
 * (throughputAtPower) answers "what is the most work this average power can buy", which may need
 * two caps alternated in time and is never below this value at the same average power.
 */
export function throughputAtCap(acc: Accelerator, curveName: string, capW: number, fallbackClass?: string): number {
  return operatingPointAtCap(acc, curveName, capW, fallbackClass).throughput;
}
