/**
 * Terminal values of a rolling window: what a GPU-hour of progress made now is worth to a job whose
 * deadline lies beyond the window, so a 48-hour window can defer work to cheaper days without
 * missing deadlines (docs/optimisation.md, rolling policy).
 */
import type { FleetModel } from '../model/fleet-model.ts';
import { stepHours } from '../time/grid.ts';
import { effectiveDeadline, type WindowSignals, type WindowState } from './fleet-lp.ts';

/** Value of one more GPU-hour of progress now: the energy cost of a GPU-hour at the price below which the rest of the job fits. */
export function terminalValues(model: FleetModel, from: number, to: number, signals: WindowSignals, state: WindowState): number[] {
  const h = stepHours(model.grid);
  const history = Math.round((28 * 24) / h);
  return model.workloads.map((w) => {
    if (w.type === 'inference' || w.continuous) return 0;
    const left = w.workGpuHours - state.doneGpuHours[w.index]!;
    if (left <= 0) return 0;
    const end = effectiveDeadline(w, h, model.grid.steps);
    const start = Math.max(from, w.releaseStep);
    if (end <= start) return 0;
    const need = left / (w.gpusMax * w.fullPower.throughput);
    const share = Math.min(1, need / ((end - start) * h));
    const site = model.sites[w.siteIndices[0]!]!;
    const sample: number[] = [];
    for (let t = Math.max(0, from - history); t < from; t++) sample.push(site.importPrice[t]!);
    for (let t = from; t < to; t++) sample.push(signals.importPrice[site.index]![t]!);
    sample.sort((a, b) => a - b);
    const price = sample[Math.min(sample.length - 1, Math.floor(share * sample.length))] ?? 0;
    let slope = 0;
    for (let t = from; t < to; t++) slope += site.facility.coolingSlope[t]!;
    const facilityPerIt = 1 + site.facility.lossSlope + slope / Math.max(1, to - from);
    const kWhPerGpuHour = (w.fullPower.itPowerW / 1000) * facilityPerIt;
    // a little above the threshold, so that hours at the threshold price are used
    return ((kWhPerGpuHour * Math.max(0, price)) / 1000 / w.fullPower.throughput) * 1.02 + 1e-6;
  });
}

