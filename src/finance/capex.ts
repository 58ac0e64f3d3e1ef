/**
 * Capex items per site: the scenario's explicit items plus default items sized from each site
 * (GPUs, MW of installed IT, storage, owned renewables), then the purchase schedule over the
 * horizon (first purchase, refreshes at end of life) with depreciation and book values.
 */
import { InputError } from '../errors/index.ts';
import type { CapexCategory, DepreciationMethod, Finance } from '../scenario/schema/finance.ts';
import type { ResolvedDefaults } from './defaults.ts';
import { depreciationSchedule } from './depreciation.ts';
import type { OperatingYear, SiteYear } from './operating-year.ts';

/** One capex item at one site, as bought the first time. */
export interface CapexLine {
  site: number;
  siteId: string;
  category: CapexCategory;
  name: string;
  quantity: number;
  unit: 'gpu' | 'port' | 'MW' | 'kW' | 'kWh' | 'item';
  unitCost: number;
  cost: number;
  lifeYears: number;
  yearSpent: number;
  method: DepreciationMethod;
  source: 'default' | 'scenario';
}

/** One purchase of an item: the first one or a refresh. */
export interface Purchase {
  item: number;
  site: number;
  category: CapexCategory;
  /** Time of the spend, years from the start (0 = construction; k = end of operating year k). */
  time: number;
  cost: number;
  lifeYears: number;
  method: DepreciationMethod;
}

/** Builds the capex list: explicit items, then defaults for categories a site does not give. */
export function buildCapex(year: OperatingYear, finance: Finance, defaults: ResolvedDefaults, notes: string[]): CapexLine[] {
  const method = finance.depreciation.method;
  const siteIndex = new Map(year.sites.map((s) => [s.id, s.index]));
  const explicit = new Map<number, Finance['capex']['sites'][number]['items']>();
  finance.capex.sites.forEach((sc, i) => {
    const idx = siteIndex.get(sc.site);
    if (idx === undefined) {
      throw new InputError('SCENARIO_REFERENCE', `capex names site "${sc.site}", which does not exist; sites: ${[...siteIndex.keys()].join(', ')}`, { path: `finance.capex.sites[${i}].site` });
    }
    explicit.set(idx, [...(explicit.get(idx) ?? []), ...sc.items]);
  });
  const out: CapexLine[] = [];
  for (const site of year.sites) {
    const given = explicit.get(site.index) ?? [];
    for (const it of given) {
      out.push({
        site: site.index,
        siteId: site.id,
        category: it.category,
        name: it.name ?? it.category,
        quantity: it.quantity,
        unit: it.unit,
        unitCost: it.unitCost,
        cost: it.quantity * it.unitCost,
        lifeYears: it.lifeYears ?? defaults.lives[it.category],
        yearSpent: it.yearSpent,
        method: it.depreciation ?? method,
        source: 'scenario',
      });
    }
    if (!finance.capex.useDefaults) continue;
    const covered = new Set(given.map((g) => g.category));
    for (const d of defaultItems(site, defaults, notes)) {
      if (covered.has(d.category)) continue;
      out.push({ ...d, site: site.index, siteId: site.id, cost: d.quantity * d.unitCost, lifeYears: defaults.lives[d.category], yearSpent: 0, method, source: 'default' });
    }
  }
  return out;
}

type DefaultItem = Pick<CapexLine, 'category' | 'name' | 'quantity' | 'unit' | 'unitCost'>;

/** Default items for one site, sized from its GPUs, IT MW, storage and owned renewables. */
export function defaultItems(site: SiteYear, d: ResolvedDefaults, notes: string[]): DefaultItem[] {
  const u = d.unitCosts;
  const items: DefaultItem[] = [];
  for (const p of site.pools) {
    let unitCost = u.gpuServerPerGpu[p.accelerator];
    if (unitCost === undefined) {
      unitCost = u.gpuServerPerGpu.default ?? 0;
      notes.push(`no default server price for accelerator "${p.accelerator}" at ${site.id}: the H100 figure is used; set finance.capex.unitCosts.gpuServerPerGpu.${p.accelerator}`);
    }
    items.push({ category: 'gpu-servers', name: `${p.accelerator} servers (per GPU)`, quantity: p.gpus, unit: 'gpu', unitCost });
  }
  const gpus = site.installedGpus;
  items.push({ category: 'network', name: 'optical modules (800G/400G)', quantity: gpus, unit: 'gpu', unitCost: u.opticsPerGpu });
  items.push({ category: 'network', name: 'switches, NICs and cabling', quantity: gpus, unit: 'gpu', unitCost: u.switchingPerGpu });
  const mw = site.installedItMW;
  items.push({ category: 'cooling', name: `${site.archetype} cooling plant`, quantity: mw, unit: 'MW', unitCost: u.coolingPerMW[site.archetype] });
  items.push({ category: 'power', name: 'HV substation, UPS and distribution', quantity: mw, unit: 'MW', unitCost: u.powerPerMW });
  items.push({ category: 'building', name: 'shell, site, white space, offices', quantity: mw, unit: 'MW', unitCost: u.buildingPerMW });
  const facility = mw * (u.coolingPerMW[site.archetype] + u.powerPerMW + u.buildingPerMW);
  items.push({ category: 'land-and-soft', name: 'land and soft costs', quantity: 1, unit: 'item', unitCost: facility * u.landAndSoftShare });
  if (site.storage) {
    items.push({ category: 'storage', name: 'battery (energy)', quantity: site.storage.energyMWh * 1000, unit: 'kWh', unitCost: u.storagePerKWh });
    if (u.storagePerKW > 0) items.push({ category: 'storage', name: 'battery (power)', quantity: site.storage.powerMW * 1000, unit: 'kW', unitCost: u.storagePerKW });
  }
  for (const r of site.renewables) {
    if (!r.owned || r.capacityMW <= 0) continue;
    items.push({ category: 'renewables', name: `${r.id} (${r.type}, owned)`, quantity: r.capacityMW, unit: 'MW', unitCost: r.type === 'solar' ? u.solarPerMW : u.windPerMW });
  }
  return items;
}

/**
 * Every purchase within the horizon: each item at its year, then again every `lifeYears` while
 * the new purchase would still be used inside the horizon (time < horizonYears).
 */
export function purchases(items: CapexLine[], horizonYears: number, refresh: boolean, priceEscalation: number): Purchase[] {
  const out: Purchase[] = [];
  items.forEach((it, i) => {
    if (it.yearSpent > horizonYears) return;
    out.push({ item: i, site: it.site, category: it.category, time: it.yearSpent, cost: it.cost, lifeYears: it.lifeYears, method: it.method });
    if (!refresh) return;
    for (let t = it.yearSpent + it.lifeYears; t < horizonYears; t += it.lifeYears) {
      out.push({ item: i, site: it.site, category: it.category, time: t, cost: it.cost * (1 + priceEscalation) ** (t - it.yearSpent), lifeYears: it.lifeYears, method: it.method });
    }
  });
  return out;
}

/** Depreciation per operating year (index 1..N) and book value at the end of year N, of purchases. */
export function depreciationOf(ps: Purchase[], horizonYears: number, decliningFactor: number, costFactor: (p: Purchase) => number = () => 1): { byYear: number[]; bookValueAtEnd: number } {
  const byYear = new Array<number>(horizonYears + 1).fill(0);
  let book = 0;
  for (const p of ps) {
    const cost = p.cost * costFactor(p);
    const sched = depreciationSchedule(cost, p.lifeYears, p.method, decliningFactor);
    let taken = 0;
    sched.forEach((d, i) => {
      const y = p.time + 1 + i;
      if (y <= horizonYears) {
        byYear[y]! += d;
        taken += d;
      }
    });
    book += cost - taken;
  }
  return { byYear, bookValueAtEnd: book };
}
