/**
 * The operating points a plan may mix for one workload: the vertices of its throughput-vs-power
 * hull from the cap floor up to full power, thinned to a few so that year-long models stay small.
 * Mixing two adjacent points within a step means alternating the cap over time (valid for a
 * synchronous job, whose GPUs must all run the same cap at any moment).
 */
import { throughputAtPower } from '../physics/index.ts';
import type { OperatingPoint } from '../physics/types.ts';
import type { WorkloadModel } from '../model/fleet-model.ts';

/** Hull points a plan may use for `w`, at most `maxPoints`, always including floor and full power. */
export function planPoints(w: WorkloadModel, maxPoints = 5): OperatingPoint[] {
  const floorW = w.minGpuPowerW;
  const hull = w.curve;
  const pts: OperatingPoint[] = [];
  const top = hull[hull.length - 1]!;
  if (floorW >= top.gpuPowerW - 1e-9) return [top];
  // the floor itself (interpolated on the hull when it falls between vertices)
  const below = [...hull].reverse().find((p) => p.gpuPowerW <= floorW + 1e-9);
  if (!below || Math.abs(below.gpuPowerW - floorW) > 1e-6) {
    const above = hull.find((p) => p.gpuPowerW > floorW)!;
    const lo = below ?? above;
    const f = lo === above ? 0 : (floorW - lo.gpuPowerW) / (above.gpuPowerW - lo.gpuPowerW);
    pts.push({
      capW: lo.capW + f * (above.capW - lo.capW),
      gpuPowerW: floorW,
      itPowerW: lo.itPowerW + f * (above.itPowerW - lo.itPowerW),
      throughput: throughputAtPower(hull, floorW),
    });
  } else pts.push(below);
  for (const p of hull) if (p.gpuPowerW > floorW + 1e-6) pts.push(p);
  if (pts.length <= maxPoints) return pts;
  // greedy Douglas–Peucker: add the point farthest above the current chords until maxPoints
  const keep = [0, pts.length - 1];
  while (keep.length < maxPoints) {
    keep.sort((a, b) => a - b);
    let best = -1;
    let gap = 1e-12;
    for (let s = 0; s + 1 < keep.length; s++) {
      const a = pts[keep[s]!]!;
      const b = pts[keep[s + 1]!]!;
      for (let i = keep[s]! + 1; i < keep[s + 1]!; i++) {
        const p = pts[i]!;
        const chord = a.throughput + ((p.gpuPowerW - a.gpuPowerW) / (b.gpuPowerW - a.gpuPowerW)) * (b.throughput - a.throughput);
        if (p.throughput - chord > gap) {
          gap = p.throughput - chord;
          best = i;
        }
      }
    }
    if (best < 0) break;
    keep.push(best);
  }
  keep.sort((a, b) => a - b);
  return keep.map((i) => pts[i]!);
}
