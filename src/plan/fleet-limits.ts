/**
 * The scenario's fleet-wide limits as rows of the dispatch LP: the shared import cap becomes
 * power caps on net grid import (one per run of equal cap values), and the horizon-wide rules
 * (CO2 budget, direct-green share) become budgets per planning window.
 *
 * A single window over the horizon (`optimal`) gets the rules exactly. A rolling window sees
 * only its own steps, so the rules are paced: by the end of each window the fleet must be on
 * track, i.e. its cumulative direct-green share is at least the minimum (what was committed so
 * far counts, so a good early window relaxes later ones), and its cumulative CO2 is at most the
 * budget pro rata to the elapsed share of the horizon. Each window also measures its committed
 * steps, so the tally carries over exactly.
 */
import type { FleetModel } from '../model/fleet-model.ts';
import type { FleetBudget, PowerCap } from './fleet-lp.ts';

/** The fleet import cap as power caps on net grid import. */
export function fleetImportCaps(model: FleetModel): PowerCap[] {
  const cap = model.fleet?.importCapKW;
  if (!cap) return [];
  const sites = model.fleet!.siteIndices;
  const out: PowerCap[] = [];
  let a = 0;
  for (let t = 1; t <= cap.length; t++) {
    if (t < cap.length && cap[t] === cap[a]) continue;
    out.push({ label: 'fleet import cap', sites, from: a, to: t, maxKW: cap[a]!, measure: 'grid' });
    a = t;
  }
  return out;
}

/** Budgets of one window: the rules to meet (`limits`) and the committed steps to measure (`measures`). */
export interface WindowBudgets {
  limits: FleetBudget[];
  measures: FleetBudget[];
}

/** Paces the fleet's horizon-wide rules over planning windows and keeps the committed tally. */
export class FleetBudgetPacer {
  /** CO2 of committed steps so far, tonnes. */
  co2Tonnes = 0;
  /** Direct green − share × facility energy of committed steps so far, kWh. */
  greenSurplusKWh = 0;

  constructor(private readonly model: FleetModel) {}

  /** Sites each rule spans (for grouping sites that must be planned together). */
  get spans(): Array<{ sites: number[] }> {
    const f = this.model.fleet;
    if (!f) return [];
    return f.co2BudgetTonnes !== undefined || f.directGreenShareMin !== undefined ? [{ sites: f.siteIndices }] : [];
  }

  /** Budgets for window [from, to) whose first `commitTo − from` steps will be committed. */
  window(from: number, to: number, commitTo: number): WindowBudgets {
    const f = this.model.fleet;
    const out: WindowBudgets = { limits: [], measures: [] };
    if (!f) return out;
    const n = this.model.grid.steps;
    const sites = f.siteIndices;
    if (f.co2BudgetTonnes !== undefined) {
      const pace = to >= n ? f.co2BudgetTonnes : (f.co2BudgetTonnes * to) / n;
      out.limits.push({ label: 'fleet CO2 budget', sites, from, to, kind: 'co2', bound: Math.max(0, pace - this.co2Tonnes) });
      if (commitTo < to || from > 0) out.measures.push({ label: 'committed CO2', sites, from, to: commitTo, kind: 'co2' });
    }
    if (f.directGreenShareMin !== undefined) {
      const share = f.directGreenShareMin;
      out.limits.push({ label: 'fleet direct green share', sites, from, to, kind: 'green-surplus', share, bound: -this.greenSurplusKWh });
      if (commitTo < to || from > 0) out.measures.push({ label: 'committed green surplus', sites, from, to: commitTo, kind: 'green-surplus', share });
    }
    return out;
  }

  /** Adds what a committed window measured (aligned with its `measures`). */
  commit(measures: FleetBudget[], values: ArrayLike<number>): void {
    measures.forEach((m, i) => {
      if (m.kind === 'co2') this.co2Tonnes += values[i]!;
      else this.greenSurplusKWh += values[i]!;
    });
  }
}
