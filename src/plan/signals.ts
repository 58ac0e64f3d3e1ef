/**
 * What a plan believes about prices, renewable output and inference demand: the actual series
 * (a perfect forecast), yesterday's values (persistence), or the actual values with seeded
 * multiplicative noise. The simulator always runs on the actual series.
 */
import { seededGaussian } from '../random/seeded.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import type { WindowSignals } from './fleet-lp.ts';

export type ForecastKind = 'perfect' | 'persistence' | 'noise';

/** Forecast settings. */
export interface ForecastOptions {
  kind: ForecastKind;
  /** Standard deviation of the relative error for 'noise' (e.g. 0.1 = 10 %). */
  noise?: number;
  seed?: number;
}

/** The actual series as signals. */
export function actualSignals(model: FleetModel): WindowSignals {
  return {
    importPrice: model.sites.map((s) => s.importPrice),
    exportPrice: model.sites.map((s) => s.exportPrice),
    renewableKW: model.sites.map((s) => s.renewables.map((r) => r.availableKW)),
    demand: model.workloads.map((w) => w.demandTokensPerSecond),
  };
}


/**
 * Forecasts seen by the planner window by window. Steps before a window's start are known
 * actuals; the window's steps follow the forecast rule. One set of buffers is reused for every
 * window, so a year of rolling windows allocates nothing per window.
 */
export class Forecaster {
  private readonly actual: WindowSignals;
  private readonly buffers: WindowSignals;
  private readonly day: number;

  constructor(
    private readonly model: FleetModel,
    private readonly f: ForecastOptions,
  ) {
    this.actual = actualSignals(model);
    this.day = Math.round((24 * 60) / model.grid.stepMinutes);
    const spot = (s: number) => model.sites[s]!.tariff.energy.type === 'spot';
    const spotExport = (s: number) => model.sites[s]!.tariff.export.type === 'spot';
    const copy = (a: Float64Array) => Float64Array.from(a);
    this.buffers =
      f.kind === 'perfect'
        ? this.actual
        : {
            importPrice: this.actual.importPrice.map((p, s) => (spot(s) ? copy(p) : p)),
            exportPrice: this.actual.exportPrice.map((p, s) => (spotExport(s) ? copy(p) : p)),
            renewableKW: this.actual.renewableKW.map((plants) => plants.map(copy)),
            demand: this.actual.demand.map((d) => (d ? copy(d) : undefined)),
          };
  }

  /** Signals for a window starting at `from` and ending at `to` (exclusive). */
  window(from: number, to: number): WindowSignals {
    if (this.f.kind === 'perfect') return this.actual;
    const rand = seededGaussian((this.f.seed ?? 1) * 7919 + from);
    const sigma = this.f.noise ?? 0.1;
    const fill = (out: Float64Array, a: Float64Array, clampZero: boolean) => {
      if (out === a) return; // a known (non-spot) series
      out.set(a.subarray(Math.max(0, from - this.day), from), Math.max(0, from - this.day));
      for (let t = from; t < to; t++) {
        let v: number;
        if (this.f.kind === 'persistence') {
          // the latest known value at the same time of day
          let src = t - this.day;
          while (src >= from) src -= this.day;
          v = src >= 0 ? a[src]! : a[t]!;
        } else v = a[t]! * (1 + sigma * rand());
        out[t] = clampZero ? Math.max(0, v) : v;
      }
    };
    const b = this.buffers;
    b.importPrice.forEach((out, s) => fill(out, this.actual.importPrice[s]!, false));
    b.exportPrice.forEach((out, s) => fill(out, this.actual.exportPrice[s]!, false));
    b.renewableKW.forEach((plants, s) => plants.forEach((out, p) => fill(out, this.actual.renewableKW[s]![p]!, true)));
    b.demand.forEach((out, w) => out && fill(out, this.actual.demand[w]!, true));
    void this.model;
    return b;
  }
}
