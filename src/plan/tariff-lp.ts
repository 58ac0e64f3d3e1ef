/**
 * The tariff in the dispatch model: every bill line that is linear or piecewise linear in the
 * plan's flows, priced with the numbers of the compiled tariff the bill reads. Demand charges
 * (windows, averaging intervals, monthly rates, blocks, ratchets, coincident peaks, peaks carried
 * in), blocks of monthly energy, China's two-part basic charge, net metering and priced export,
 * the one-way meter, fixed and minimum charges. Rules whose cost is not convex (falling block
 * rates, the cheaper of two bases, the one-way meter) take binary variables when the model is
 * small and are relaxed otherwise; the relaxation is named in the plan's notes.
 * Formulation: docs/optimisation.md, "Tariff rows".
 */
import type { LinearModel } from '../optimize/index.ts';
import type { SiteModel } from '../model/fleet-model.ts';
import { lookbackMonthKeys } from '../tariff/compile.ts';
import { stepHours, type TimeGrid } from '../time/grid.ts';
import type { BillBook } from './bill-book.ts';

/** Rows the tariff adds, for names: per step, or per period (month, choice period). */
export const TARIFF_STEP_ROWS = ['peak-def', 'export-source', 'nem-split', 'one-way-import', 'one-way-export'] as const;
export const TARIFF_PERIOD_ROWS = ['average-def', 'ratchet', 'billed-def', 'block-sum', 'block-order', 'energy-block-sum', 'energy-block-order', 'nem-limit', 'basic-demand', 'minimum-charge'] as const;
export type TariffStepRow = (typeof TARIFF_STEP_ROWS)[number];
export type TariffPeriodRow = (typeof TARIFF_PERIOD_ROWS)[number];

/** Opens a named row; the caller closes it with lp.endRow(). */
export interface RowTagger {
  step(lower: number, upper: number, kind: TariffStepRow, site: number, t: number): number;
  period(lower: number, upper: number, kind: TariffPeriodRow, site: number, key: string): number;
}

/** What earlier windows committed, per site (rolling plans); empty for a single window. */
export interface TariffState {
  /** Highest measured demand so far, kW, by `${charge}@${month index}` (two-part: `tp@${month}`). */
  peaks: Map<string, number>;
  /** Imported MWh so far by month index. */
  importMWh: Map<number, number>;
  /** MWh credited at the retail rate so far (net metering), by month index. */
  creditedMWh: Map<number, number>;
}

/**
 * Carries a site's tariff state over the committed steps [from, end): the highest interval-average
 * demand per demand charge and month (as the bill measures it), imported and credited MWh per
 * month. `importKW(t)` and `creditKW(t)` give the planned power at step t.
 */
export function advanceTariffState(site: SiteModel, grid: TimeGrid, from: number, end: number, importKW: (t: number) => number, creditKW: ((t: number) => number) | undefined, ts: TariffState): void {
  const h = stepHours(grid);
  const c = site.compiledTariff;
  const peakAt = (per: number, counts: Uint8Array | undefined, key: (m: number) => string) => {
    for (let i = Math.floor(from / per) * per; i < end; i += per) {
      if (counts && !counts[i]) continue;
      const first = Math.max(i, from);
      let sum = 0;
      const k = Math.min(per, grid.steps - i);
      for (let q = first; q < Math.min(i + per, end); q++) sum += importKW(q);
      const kk = key(site.calendar.monthIndex[first]!);
      if (sum / k > (ts.peaks.get(kk) ?? 0)) ts.peaks.set(kk, sum / k);
    }
  };
  c.demand.forEach((d, ci) => {
    if (d.measure === 'max') peakAt(d.intervalSteps, d.counts, (m) => `${ci}@${m}`);
  });
  if (c.twoPart) peakAt(c.twoPart.intervalSteps, undefined, (m) => `tp@${m}`);
  for (let t = from; t < end; t++) {
    const m = site.calendar.monthIndex[t]!;
    ts.importMWh.set(m, (ts.importMWh.get(m) ?? 0) + (importKW(t) * h) / 1000);
    if (creditKW) ts.creditedMWh.set(m, (ts.creditedMWh.get(m) ?? 0) + (creditKW(t) * h) / 1000);
  }
}

/** A tariff state as plain arrays (for worker processes), and back. */
export type TariffStateWire = { peaks: Array<[string, number]>; importMWh: Array<[number, number]>; creditedMWh: Array<[number, number]> };
/** {@link TariffState} to {@link TariffStateWire}. */
export function tariffStateToWire(ts: TariffState): TariffStateWire {
  return { peaks: [...ts.peaks.entries()], importMWh: [...ts.importMWh.entries()], creditedMWh: [...ts.creditedMWh.entries()] };
}
/** {@link TariffStateWire} to {@link TariffState}. */
export function tariffStateFromWire(w: TariffStateWire): TariffState {
  return { peaks: new Map(w.peaks), importMWh: new Map(w.importMWh), creditedMWh: new Map(w.creditedMWh) };
}

/** A fresh tariff state. */
export function emptyTariffState(): TariffState {
  return { peaks: new Map(), importMWh: new Map(), creditedMWh: new Map() };
}

/** Columns of one site the tariff reads. */
export interface TariffColumns {
  /** First import column (one per step of the window). */
  g: number;
  /** First export column, or −1. */
  e: number;
  /** First columns of what may be exported: renewables taken, storage discharge, exporting generators. */
  exportSources: number[];
  /** First storage-charge column, or −1: what charges the store is not exported. */
  charge: number;
}

/** Inputs of {@link addTariffRows}. */
export interface TariffLpInput {
  lp: LinearModel;
  book: BillBook;
  site: SiteModel;
  grid: TimeGrid;
  from: number;
  to: number;
  cols: TariffColumns;
  /** Import and export price signals of the window (forecasts in rolling plans), currency/MWh. */
  importPrice: Float64Array;
  exportPrice: Float64Array;
  state: TariffState;
  /** Use binary variables for rules that need them (otherwise relax, and say so in `notes`). */
  integers: boolean;
  tag: RowTagger;
  notes: Set<string>;
}

/** Binary variables the site's tariff needs in a window of steps [from, to). */
export function tariffBinaries(site: SiteModel, from: number, to: number): number {
  const c = site.compiledTariff;
  const months = new Set<number>();
  for (let t = from; t < to; t++) months.add(site.calendar.monthIndex[t]!);
  let n = 0;
  for (const d of c.demand) if (!d.convex) n += (d.tierKW.length - 1) * months.size;
  if (!c.energyTiersConvex) n += (c.energyTiers.length - 1) * months.size;
  if (c.twoPart?.basis === 'cheaper') n += c.twoPart.choiceGroups.filter((g) => g.some((m) => months.has(m))).length;
  if (c.exclusive && site.canExport) n += to - from;
  return n;
}

/** Adds the tariff's columns, rows and costs of one site; returns nothing (costs are booked in `book`). */
export function addTariffRows(x: TariffLpInput): void {
  const { lp, book, site, grid, from, to, cols, state, tag } = x;
  const c = site.compiledTariff;
  const cal = site.calendar;
  const h = stepHours(grid);
  const n = grid.steps;
  const s = site.index;
  const T = to - from;
  const months: number[] = [];
  for (let t = from; t < to; t++) {
    const m = cal.monthIndex[t]!;
    if (months[months.length - 1] !== m) months.push(m);
  }
  const monthKey = (m: number) => cal.monthKeys[m]!;
  const maxImportKW = (m: number) => {
    let mx = 0;
    for (let t = from; t < to; t++) if (cal.monthIndex[t] === m && site.importLimitKW[t]! > mx) mx = site.importLimitKW[t]!;
    return mx;
  };

  // ---- energy and carbon on every imported MWh
  for (let k = 0; k < T; k++) {
    const t = from + k;
    book.add('energy', cols.g + k, (x.importPrice[t]! * h) / 1000, cal.monthIndex[t]!);
    if (site.tariff.carbonPricePerTonne > 0) book.add('carbon', cols.g + k, (site.carbonIntensity[t]! * site.tariff.carbonPricePerTonne * h) / 1e6);
  }

  /** Interval-average rows `avg(import over the interval) ≤ column`, for intervals starting where `counts` is 1 (all when undefined). */
  const intervalRows = (per: number, counts: Uint8Array | undefined, target: (m: number) => number) => {
    for (let i = Math.floor(from / per) * per; i < to; i += per) {
      if (counts && !counts[i]) continue;
      const first = Math.max(i, from);
      if (first >= to) continue;
      const col = target(cal.monthIndex[first]!);
      const k = Math.min(per, n - i);
      tag.step(-Infinity, 0, 'peak-def', s, first);
      for (let q = first; q < Math.min(i + per, to, n); q++) lp.addTerm(cols.g + q - from, 1 / k);
      lp.addTerm(col, -1);
      lp.endRow();
    }
  };

  // ---- demand charges
  c.demand.forEach((d, ci) => {
    const measuredCol = new Map<number, number>();
    const measuredConst = new Map<number, number>();
    for (const m of months) {
      const hist = d.measure === 'max' ? Math.max(d.history.get(monthKey(m)) ?? 0, state.peaks.get(`${ci}@${m}`) ?? 0) : 0;
      let counted = false;
      for (let i = Math.floor(from / d.intervalSteps) * d.intervalSteps; i < to; i += d.intervalSteps) {
        if (d.counts[i] && cal.monthIndex[Math.max(i, from)] === m && Math.max(i, from) < to) {
          counted = true;
          break;
        }
      }
      if (counted) measuredCol.set(m, lp.addVariable({ name: `peak[${site.id},${d.name},${monthKey(m)}]`, lower: hist }));
      else measuredConst.set(m, hist);
    }
    if (d.measure === 'max') {
      intervalRows(d.intervalSteps, d.counts, (m) => measuredCol.get(m)!);
    } else {
      // the average over the month's system-peak intervals: N·P = Σ interval averages
      const byMonth = new Map<number, number[]>();
      for (let i = Math.floor(from / d.intervalSteps) * d.intervalSteps; i < to; i += d.intervalSteps) {
        if (!d.counts[i]) continue;
        const first = Math.max(i, from);
        const m = cal.monthIndex[first]!;
        byMonth.set(m, [...(byMonth.get(m) ?? []), i]);
      }
      for (const [m, starts] of byMonth) {
        const P = measuredCol.get(m)!;
        tag.period(0, 0, 'average-def', s, `${d.name},${monthKey(m)}`);
        lp.addTerm(P, starts.length);
        for (const i of starts) {
          const k = Math.min(d.intervalSteps, n - i);
          for (let q = Math.max(i, from); q < Math.min(i + d.intervalSteps, to, n); q++) lp.addTerm(cols.g + q - from, -1 / k);
        }
        lp.endRow();
      }
    }
    for (const m of months) {
      // billed demand: the measured peak, raised to the ratchet floor
      let billedCol = measuredCol.get(m) ?? -1;
      let billedConst = measuredConst.get(m) ?? 0;
      const r = d.ratchet;
      if (r) {
        let floor = 0;
        const rows: number[] = [];
        for (const key of lookbackMonthKeys(monthKey(m), r.lookbackMonths, r.monthsOfYear)) {
          const idx = cal.monthKeys.indexOf(key);
          if (idx >= 0 && idx < m) {
            const col = measuredCol.get(idx);
            if (col !== undefined) rows.push(col);
            else floor = Math.max(floor, measuredConst.get(idx) ?? (d.measure === 'max' ? Math.max(d.history.get(key) ?? 0, state.peaks.get(`${ci}@${idx}`) ?? 0) : (state.peaks.get(`${ci}@${idx}`) ?? 0)));
          } else if (idx < 0) floor = Math.max(floor, d.history.get(key) ?? 0);
        }
        const f = r.fraction[m]!;
        if (f > 0 && (rows.length > 0 || f * floor > billedConst)) {
          const B = lp.addVariable({ name: `billed[${site.id},${d.name},${monthKey(m)}]`, lower: Math.max(f * floor, billedCol < 0 ? billedConst : 0) });
          if (billedCol >= 0) {
            tag.period(0, Infinity, 'billed-def', s, `${d.name},${monthKey(m)}`);
            lp.addTerm(B, 1);
            lp.addTerm(billedCol, -1);
            lp.endRow();
          }
          for (const col of rows) {
            tag.period(0, Infinity, 'ratchet', s, `${d.name},${monthKey(m)}`);
            lp.addTerm(B, 1);
            lp.addTerm(col, -f);
            lp.endRow();
          }
          billedCol = B;
          billedConst = 0;
        }
      }
      const share = c.share[m]!;
      const rates = d.rates.map((rr) => rr[m]! * share);
      if (rates.every((v) => v === 0)) continue;
      if (billedCol < 0) {
        // nothing this window decides: the charge is a constant
        let left = billedConst;
        let cost = 0;
        d.tierKW.forEach((size, k) => {
          const q = Math.min(left, size);
          left -= q;
          cost += q * rates[k]!;
        });
        book.constant('demand', cost, m);
        continue;
      }
      if (d.tierKW.length === 1) {
        book.add('demand', billedCol, rates[0]!, m);
        continue;
      }
      blocks(billedCol, d.tierKW, rates, 'demand', m, `${d.name},${monthKey(m)}`, Math.max(maxImportKW(m), billedConst, ...[...d.history.values()]) * 1.01 + 1, 'block-sum', 'block-order');
    }
  });

  /** Splits column `total` into blocks with rates; binaries order the blocks when rates fall and integers are allowed. */
  function blocks(total: number, sizes: number[], rates: number[], component: 'demand' | 'energy', m: number, key: string, bigM: number, sumRow: TariffPeriodRow, orderRow: TariffPeriodRow, constant = 0) {
    const first = lp.addVariables(sizes.length, { upper: (k) => (Number.isFinite(sizes[k]!) ? sizes[k]! : Infinity), nameFn: (k) => `block[${site.id},${key},${k + 1}]` });
    tag.period(constant, constant, sumRow, s, key);
    for (let k = 0; k < sizes.length; k++) lp.addTerm(first + k, 1);
    lp.addTerm(total, -1);
    lp.endRow();
    sizes.forEach((_, k) => book.add(component, first + k, rates[k]!, m));
    let convex = true;
    for (let k = 1; k < rates.length; k++) if (rates[k]! < rates[k - 1]! - 1e-12) convex = false;
    if (convex) return;
    if (!x.integers) {
      x.notes.add(`${component === 'demand' ? 'demand' : 'energy'} blocks with falling rates at ${site.id} are relaxed (no binaries: the model is too large); the plan may under-price them, the bill does not`);
      return;
    }
    for (let k = 1; k < sizes.length; k++) {
      const z = lp.addVariable({ name: `block-used[${site.id},${key},${k + 1}]`, upper: 1, integer: true });
      // block k is used only when block k − 1 is full
      tag.period(0, Infinity, orderRow, s, key);
      lp.addTerm(first + k - 1, 1);
      lp.addTerm(z, -sizes[k - 1]!);
      lp.endRow();
      tag.period(-Infinity, 0, orderRow, s, key);
      lp.addTerm(first + k, 1);
      lp.addTerm(z, -(Number.isFinite(sizes[k]!) ? sizes[k]! : bigM));
      lp.endRow();
    }
  }

  // ---- blocks of monthly energy
  if (c.energyTiers.length > 0 && c.energyTiers.some((b) => b.adderPerMWh !== 0)) {
    for (const m of months) {
      const share = c.share[m]!;
      const total = lp.addVariable({ name: `import-energy[${site.id},${monthKey(m)}]` });
      const key = `energy,${monthKey(m)}`;
      tag.period(state.importMWh.get(m) ?? 0, state.importMWh.get(m) ?? 0, 'energy-block-sum', s, key);
      lp.addTerm(total, 1);
      for (let t = from; t < to; t++) if (cal.monthIndex[t] === m) lp.addTerm(cols.g + t - from, -h / 1000);
      lp.endRow();
      let bigM = 0;
      for (let t = from; t < to; t++) if (cal.monthIndex[t] === m) bigM += (site.importLimitKW[t]! * h) / 1000;
      blocks(total, c.energyTiers.map((b) => b.sizeMWh * share), c.energyTiers.map((b) => b.adderPerMWh), 'energy', m, key, bigM + (state.importMWh.get(m) ?? 0) + 1, 'energy-block-sum', 'energy-block-order');
    }
  }

  // ---- contracted capacity, fixed charges
  for (const m of months) {
    const share = c.share[m]!;
    if (c.capacity) book.constant('capacity', c.capacity.kva * c.capacity.ratePerKVAMonth * share, m);
    book.constant('fixed', c.fixedPerMonth * share + c.fixedPerDay * c.monthDays[m]! * share, m);
  }

  // ---- China's two-part basic charge
  const tp = c.twoPart;
  if (tp) {
    const Q = new Map<number, number>();
    for (const m of months) {
      if (tp.basis === 'capacity') {
        book.constant('capacity', tp.kva * tp.capacityRatePerKVAMonth * c.share[m]!, m);
        continue;
      }
      Q.set(m, lp.addVariable({ name: `basic-demand[${site.id},${monthKey(m)}]`, lower: Math.max(tp.floorKW, state.peaks.get(`tp@${m}`) ?? 0) }));
    }
    if (tp.basis !== 'capacity') intervalRows(tp.intervalSteps, undefined, (m) => Q.get(m)!);
    if (tp.basis === 'demand') for (const [m, col] of Q) book.add('demand', col, tp.demandRatePerKWMonth * c.share[m]!, m);
    if (tp.basis === 'cheaper') {
      for (const group of tp.choiceGroups) {
        const inWindow = group.filter((m) => Q.has(m));
        if (inWindow.length === 0) continue;
        const z = lp.addVariable({ name: `basic-on-demand[${site.id},${monthKey(inWindow[0]!)}]`, upper: 1, integer: x.integers });
        if (!x.integers) x.notes.add(`the two-part basis at ${site.id} (capacity or demand, whichever is cheaper) is relaxed (no binaries: the model is too large); the bill picks the cheaper basis`);
        for (const m of inWindow) {
          const share = c.share[m]!;
          const cap = tp.kva * tp.capacityRatePerKVAMonth * share;
          book.constant('capacity', cap, m);
          book.add('capacity', z, -cap, m);
          const rate = tp.demandRatePerKWMonth * share;
          const bigM = rate * Math.max(maxImportKW(m), tp.floorKW, state.peaks.get(`tp@${m}`) ?? 0) * 1.01 + 1;
          const D = lp.addVariable({ name: `basic-demand-cost[${site.id},${monthKey(m)}]` });
          book.add('demand', D, 1, m);
          // D ≥ rate·Q when on demand (z = 1); free to be 0 otherwise
          tag.period(-bigM, Infinity, 'basic-demand', s, monthKey(m));
          lp.addTerm(D, 1);
          lp.addTerm(Q.get(m)!, -rate);
          lp.addTerm(z, -bigM);
          lp.endRow();
        }
      }
    }
  }

  // ---- export
  if (cols.e >= 0) {
    const ex = c.export;
    if (ex.kind === 'price') {
      for (let k = 0; k < T; k++) book.add('exportCredit', cols.e + k, (-x.exportPrice[from + k]! * h) / 1000, cal.monthIndex[from + k]!);
    } else if (ex.kind === 'netMetering') {
      // e = credited at retail (e1) + beyond the limit; e1 ≤ e and Σ e1 ≤ the month's limit
      const e1 = lp.addVariables(T, {
        nameFn: (k) => `export-credited[${site.id},${from + k}]`,
        upper: (k) => (x.exportPrice[from + k]! > ex.excessPricePerMWh ? site.exportLimitKW[from + k]! : 0),
      });
      for (let k = 0; k < T; k++) {
        const t = from + k;
        const m = cal.monthIndex[t]!;
        book.add('exportCredit', cols.e + k, (-ex.excessPricePerMWh * h) / 1000, m);
        book.add('exportCredit', e1 + k, (-(x.exportPrice[t]! - ex.excessPricePerMWh) * h) / 1000, m);
        tag.step(-Infinity, 0, 'nem-split', s, t);
        lp.addTerm(e1 + k, 1);
        lp.addTerm(cols.e + k, -1);
        lp.endRow();
      }
      for (const m of months) {
        const credited = state.creditedMWh.get(m) ?? 0;
        if (ex.limitMWhPerMonth !== undefined) tag.period(-Infinity, ex.limitMWhPerMonth * c.share[m]! - credited, 'nem-limit', s, monthKey(m));
        else tag.period(-Infinity, (state.importMWh.get(m) ?? 0) - credited, 'nem-limit', s, monthKey(m));
        for (let t = from; t < to; t++) {
          if (cal.monthIndex[t] !== m) continue;
          lp.addTerm(e1 + t - from, h / 1000);
          if (ex.limitMWhPerMonth === undefined) lp.addTerm(cols.g + t - from, -h / 1000);
        }
        lp.endRow();
      }
    }
    // export comes from on-site sources net of what charges the store: renewables taken, storage
    // discharge and generators that may export (a meter nets a step's flows: power bought cannot
    // be sold in the same step, directly or through the battery, and the simulator never does it)
    for (let k = 0; k < T; k++) {
      tag.step(-Infinity, 0, 'export-source', s, from + k);
      lp.addTerm(cols.e + k, 1);
      for (const src of cols.exportSources) lp.addTerm(src + k, -1);
      if (cols.charge >= 0) lp.addTerm(cols.charge + k, 1);
      lp.endRow();
    }
    if (c.exclusive) {
      if (!x.integers) x.notes.add(`the one-way meter at ${site.id} (no import and export in the same step) is relaxed (no binaries: the model is too large); the simulator nets import and export`);
      else {
        const w = lp.addVariables(T, { nameFn: (k) => `importing[${site.id},${from + k}]`, upper: 1, integer: true });
        for (let k = 0; k < T; k++) {
          const t = from + k;
          tag.step(-Infinity, 0, 'one-way-import', s, t);
          lp.addTerm(cols.g + k, 1);
          lp.addTerm(w + k, -site.importLimitKW[t]!);
          lp.endRow();
          tag.step(-Infinity, site.exportLimitKW[t]!, 'one-way-export', s, t);
          lp.addTerm(cols.e + k, 1);
          lp.addTerm(w + k, site.exportLimitKW[t]!);
          lp.endRow();
        }
      }
    }
  }
}

/** Minimum-charge rows: the month's utility lines plus a top-up reach the minimum (call after every cost is booked). */
export function addMinimumChargeRows(lp: LinearModel, book: BillBook, site: SiteModel, from: number, to: number, tag: RowTagger): void {
  const c = site.compiledTariff;
  if (!(c.minimumPerMonth > 0)) return;
  const months = new Set<number>();
  for (let t = from; t < to; t++) months.add(site.calendar.monthIndex[t]!);
  for (const m of months) {
    const top = lp.addVariable({ name: `minimum-top-up[${site.id},${site.calendar.monthKeys[m]}]` });
    const terms = book.utilityTerms(m);
    book.add('minimum', top, 1, m);
    tag.period(c.minimumPerMonth * c.share[m]! - terms.constant, Infinity, 'minimum-charge', site.index, site.calendar.monthKeys[m]!);
    lp.addTerm(top, 1);
    terms.cols.forEach((col, i) => lp.addTerm(col, terms.coefs[i]!));
    lp.endRow();
  }
}
