/**
 * Energy flows of a site over the horizon, for the Sankey chart: each flow is a ledger column
 * (kW per step) summed to energy. The flows form a directed acyclic graph in which every inner
 * node passes on exactly what it receives, which is the ledger's energy balance:
 *
 *   renewables available = curtailed + exported + used on site
 *   used renewables + storage discharge + generators + grid import + shortfall
 *     = facility + other loads + storage charge + export from the site (battery, generators)
 *   facility = IT + cooling + UPS & distribution losses + fixed loads + facility load series
 *   IT = IT of each workload class + idle GPUs
 *
 * Storage appears twice (its discharge is a source, its charge a use) so the graph has no
 * cycle; the difference is its losses and the change of stored energy. When the ledger gains
 * columns that say which source fed which use (grid to load, storage to load, …), extend
 * `energyFlowRules` to link sources to uses directly instead of through the site bus.
 */
import type { SiteLedger } from '../simulate/ledger.ts';
import { NODE_COLORS, type EnergyFlowGraph, type EnergyLink } from './charts/sankey.ts';
import { IT_SHADES } from './charts/theme.ts';

/** One flow of the graph: energy from `from` to `to`, from a ledger column. */
export interface EnergyFlowRule {
  from: string;
  to: string;
  /** Power of the flow per step, kW. */
  kw: ArrayLike<number>;
  /** Subtracted per step (for flows the ledger stores as a total of several). */
  minusKW?: ArrayLike<number>;
}

const CLASS_LABEL: Record<string, string> = { inference: 'IT · inference', training: 'IT · training', batch: 'IT · batch' };

/** The flows of a site's ledger, sources to uses. */
export function energyFlowRules(L: SiteLedger): EnergyFlowRule[] {
  const n = L.itKW.length;
  const byClass = new Map<string, Float64Array>();
  for (const w of L.workloads) {
    let a = byClass.get(w.type);
    if (!a) byClass.set(w.type, (a = new Float64Array(n)));
    for (let t = 0; t < n; t++) a[t]! += w.itKW[t]!;
  }
  const itRules: EnergyFlowRule[] = [...byClass].map(([type, kw]) => ({ from: 'IT', to: CLASS_LABEL[type] ?? `IT · ${type}`, kw }));
  return [
    { from: 'Renewables', to: 'Curtailed', kw: L.renewableCurtailedKW },
    { from: 'Renewables', to: 'Grid export', kw: L.renewableExportKW },
    { from: 'Renewables', to: 'Site bus', kw: L.renewableUsedKW },
    { from: 'Grid import', to: 'Site bus', kw: L.gridImportKW },
    { from: 'Storage discharge', to: 'Site bus', kw: L.storageDischargeKW },
    { from: 'Backup generators', to: 'Site bus', kw: L.generatorKW },
    { from: 'Shortfall (unsupplied)', to: 'Site bus', kw: L.shortfallKW },
    { from: 'Site bus', to: 'Facility', kw: L.facilityKW },
    { from: 'Site bus', to: 'Other loads (buildings)', kw: L.siteLoadKW },
    { from: 'Site bus', to: 'Storage charge', kw: L.storageChargeKW },
    // what the site exports besides renewables is battery (and generator) energy
    { from: 'Site bus', to: 'Grid export', kw: L.gridExportKW, minusKW: L.renewableExportKW },
    { from: 'Facility', to: 'IT', kw: L.itKW },
    { from: 'Facility', to: 'Cooling', kw: L.coolingKW },
    { from: 'Facility', to: 'UPS & distribution losses', kw: L.lossesKW },
    { from: 'Facility', to: 'Fixed loads', kw: L.fixedKW },
    { from: 'Facility', to: 'Facility load series', kw: L.facilityLoadKW },
    ...itRules,
    ...(itRules.length > 0 ? [{ from: 'IT', to: 'IT · idle GPUs', kw: L.idleItKW }] : []),
  ];
}

/** Energy of one rule over steps [from, to), kWh. */
function ruleKWh(r: EnergyFlowRule, hours: number, from: number, to: number): number {
  let s = 0;
  for (let t = from; t < to; t++) s += r.kw[t]!;
  if (r.minusKW) for (let t = from; t < to; t++) s -= r.minusKW[t]!;
  return s * hours;
}

/** Options of `siteEnergyFlows`. */
export interface EnergyFlowOptions {
  title: string;
  /** Step length, hours. */
  stepHours: number;
  from?: number;
  to?: number;
  /** Flows (default: `energyFlowRules(L)`). */
  rules?: EnergyFlowRule[];
}

/**
 * The energy-flow graph of a site over steps [from, to): flows of no energy are left out;
 * MWh, or kWh when the largest flow is under 1 MWh.
 */
export function siteEnergyFlows(L: SiteLedger, o: EnergyFlowOptions): EnergyFlowGraph {
  const from = o.from ?? 0;
  const to = o.to ?? L.itKW.length;
  const rules = o.rules ?? energyFlowRules(L);
  const kwh = rules.map((r) => ruleKWh(r, o.stepHours, from, to));
  const largest = Math.max(0, ...kwh);
  const unit = largest >= 1000 ? 'MWh' : 'kWh';
  const scale = unit === 'MWh' ? 1e-3 : 1;
  const links: EnergyLink[] = [];
  rules.forEach((r, i) => {
    const value = kwh[i]! * scale;
    // a difference of columns (battery export) can come out a rounding error below zero
    if (value > 0) links.push({ source: r.from, target: r.to, value });
  });
  const names: string[] = [];
  for (const l of links) for (const name of [l.source, l.target]) if (!names.includes(name)) names.push(name);
  let shade = 1;
  const nodes = names.map((name) => ({ name, color: NODE_COLORS[name] ?? (name.startsWith('IT · ') ? (name === 'IT · idle GPUs' ? '#BBBBBB' : IT_SHADES[shade++ % IT_SHADES.length]!) : '#888888') }));
  return { title: o.title, unit, nodes, links };
}

/** Per inner node (one with inflows and outflows): inflow, outflow, and their difference relative to the larger. */
export function flowImbalances(g: EnergyFlowGraph): Array<{ node: string; inflow: number; outflow: number; relative: number }> {
  const tot = new Map<string, { inflow: number; outflow: number }>();
  for (const l of g.links) {
    for (const [name, k] of [[l.source, 'outflow'], [l.target, 'inflow']] as const) {
      const e = tot.get(name) ?? { inflow: 0, outflow: 0 };
      e[k] += l.value;
      tot.set(name, e);
    }
  }
  return [...tot]
    .filter(([, e]) => e.inflow > 0 && e.outflow > 0)
    .map(([node, e]) => ({ node, ...e, relative: Math.abs(e.inflow - e.outflow) / Math.max(e.inflow, e.outflow) }));
}
