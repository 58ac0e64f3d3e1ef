/**
 * The generated battery + flexible-load LP used for benchmarks and export round trips (the model
 * of the solver study, libs-and-style §1.1). Per site and hour: grid import g, battery charge c,
 * discharge d, state of charge q, flexible load f. Rows: power balance, state of charge, daily
 * flexible energy, and (with several sites) a fleet import cap that couples the sites.
 *
 * @module
 */
import { seededRandom } from '../random/seeded.ts';
import { LinearModel } from './model-builder.ts';

/** Input data of the model; generated from a seed when not given. */
export interface BatteryFlexData {
  /** Price per hour, currency/MWh (length hours). */
  price: ArrayLike<number>;
  /** Base load per site and hour, MW (sites × hours). */
  baseLoad: ArrayLike<number>[];
  /** Price multiplier per site. */
  multiplier: ArrayLike<number>;
}

/** Size and data of the model. */
export interface BatteryFlexOptions {
  hours: number;
  sites: number;
  seed?: number;
  data?: BatteryFlexData;
}

/** Column indices of the blocks of one site (element t is hour t). */
export interface SiteColumns {
  grid: number;
  charge: number;
  discharge: number;
  soc: number;
  flex: number;
}

/** Seeded numbers in [0, 1), so every run and every solver sees identical data. */
export { seededRandom };

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** Generates prices, base loads and site multipliers from a seed (3 decimals, as in the study). */
export function generateBatteryFlexData(hours: number, sites: number, seed = 1): BatteryFlexData {
  const rnd = seededRandom(seed);
  const price = new Float64Array(hours);
  for (let t = 0; t < hours; t++) price[t] = round3(45 + 30 * Math.sin((2 * Math.PI * ((t % 24) - 6)) / 24) + 20 * rnd());
  const baseLoad: Float64Array[] = [];
  const multiplier = new Float64Array(sites);
  for (let s = 0; s < sites; s++) {
    const b = new Float64Array(hours);
    for (let t = 0; t < hours; t++) b[t] = round3(3 + 4 * rnd());
    baseLoad.push(b);
    multiplier[s] = round3(0.8 + 0.4 * rnd());
  }
  return { price, baseLoad, multiplier };
}

/** Builds the model; returns the builder and the column blocks of each site. */
export function buildBatteryFlexModel(options: BatteryFlexOptions): { model: LinearModel; sites: SiteColumns[] } {
  const { hours: T, sites: S } = options;
  const data = options.data ?? generateBatteryFlexData(T, S, options.seed);
  const m = new LinearModel('minimize');
  const days = Math.ceil(T / 24);
  m.reserve(5 * T * S, S * (2 * T + days) + (S > 1 ? T : 0), S * (8 * T + T) + (S > 1 ? S * T : 0));
  const sites: SiteColumns[] = [];
  for (let s = 0; s < S; s++) {
    const mult = data.multiplier[s] as number;
    const grid = m.addVariables(T, {
      upper: (t) => ((t % 24) >= 17 && (t % 24) <= 20 ? 9 : 11),
      cost: (t) => (data.price[t] as number) * mult,
      nameFn: (t) => `g[s${s},t${t}]`,
    });
    const charge = m.addVariables(T, { upper: 2, nameFn: (t) => `c[s${s},t${t}]` });
    const discharge = m.addVariables(T, { upper: 2, nameFn: (t) => `d[s${s},t${t}]` });
    const soc = m.addVariables(T, { lower: 1, upper: 8, nameFn: (t) => `q[s${s},t${t}]` });
    m.setBounds(soc + T - 1, 4, 8);
    const flex = m.addVariables(T, { upper: 5, nameFn: (t) => `f[s${s},t${t}]` });
    sites.push({ grid, charge, discharge, soc, flex });

    const base = data.baseLoad[s] as ArrayLike<number>;
    const first = m.numRows;
    // the streaming row API: no per-row arrays on the hot path
    for (let t = 0; t < T; t++) {
      const b = base[t] as number;
      m.beginRow(b, b);
      m.addTerm(grid + t, 1);
      m.addTerm(discharge + t, 1);
      m.addTerm(charge + t, -1);
      m.addTerm(flex + t, -1);
      m.endRow();
    }
    m.nameRows(first, T, (t) => `balance[s${s},t${t}]`);
    const socFirst = m.numRows;
    for (let t = 0; t < T; t++) {
      m.beginRow(t === 0 ? 4 : 0, t === 0 ? 4 : 0);
      m.addTerm(soc + t, 1);
      if (t > 0) m.addTerm(soc + t - 1, -1);
      m.addTerm(charge + t, -0.95);
      m.addTerm(discharge + t, 1.05);
      m.endRow();
    }
    m.nameRows(socFirst, T, (t) => `soc[s${s},t${t}]`);
    const dayFirst = m.numRows;
    for (let d0 = 0; d0 < T; d0 += 24) {
      const len = Math.min(24, T - d0);
      m.beginRow(2.5 * len, 2.5 * len);
      for (let t = d0; t < d0 + len; t++) m.addTerm(flex + t, 1);
      m.endRow();
    }
    m.nameRows(dayFirst, m.numRows - dayFirst, (d) => `flexEnergy[s${s},day${d}]`);
  }
  if (S > 1) {
    const capFirst = m.numRows;
    for (let t = 0; t < T; t++) {
      m.beginRow(-Infinity, 9.5 * S);
      for (const site of sites) m.addTerm(site.grid + t, 1);
      m.endRow();
    }
    m.nameRows(capFirst, T, (t) => `fleetImport[t${t}]`);
  }
  return { model: m, sites };
}
