/** The per-step marginal price of grid energy and of exported energy, from a site's tariff. */
import type { Tariff } from '../scenario/schema/index.ts';
import type { Calendar } from '../time/grid.ts';
import { touPeriodPrices, touPeriodSeries } from './tou.ts';

/** Price signals of one site, currency/MWh per step. */
export interface PriceSignals {
  /** What one more MWh imported costs (energy price and per-MWh adders). */
  importPrice: Float64Array;
  /** What one more MWh exported earns (0 where export is not paid). */
  exportPrice: Float64Array;
  /** TOU period index per step (TOU tariffs only). */
  touPeriod?: Int8Array;
}

/** Builds the per-step import and export prices for a tariff. */
export function priceSignals(
  tariff: Tariff,
  cal: Calendar,
  spotPrice: Float64Array | undefined,
  temperatureC: Float64Array | undefined,
  path: string,
): PriceSignals {
  const n = cal.hour.length;
  const importPrice = new Float64Array(n);
  const e = tariff.energy;
  let touPeriod: Int8Array | undefined;
  if (e.type === 'spot') {
    const s = spotPrice as Float64Array;
    for (let i = 0; i < n; i++) importPrice[i] = s[i]! * e.multiplier + e.adderPerMWh;
  } else if (e.type === 'flat') {
    importPrice.fill(e.pricePerMWh);
  } else {
    const prices = touPeriodPrices(e, `${path}.energy`);
    touPeriod = touPeriodSeries(e, cal, temperatureC);
    for (let i = 0; i < n; i++) importPrice[i] = prices[touPeriod[i]!]! + e.adderPerMWh;
  }
  const exportPrice = new Float64Array(n);
  const x = tariff.export;
  if (x.type === 'spot') {
    const s = spotPrice as Float64Array;
    for (let i = 0; i < n; i++) exportPrice[i] = s[i]! * x.multiplier;
  } else if (x.type === 'flat') exportPrice.fill(x.pricePerMWh);
  return { importPrice, exportPrice, touPeriod };
}
