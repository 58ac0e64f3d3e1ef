/**
 * The supply side of a site at every step: facility power from IT power (the physics stage's
 * affine coefficients), renewables first, storage as dispatched within its limits (tracking the
 * green share of what it holds), then the grid up to its import limit; what is left is shortfall.
 */
import { NonFiniteError } from '../errors/index.ts';
import type { SiteModel } from '../model/fleet-model.ts';
import type { Dispatch } from './dispatch.ts';
import type { SiteLedger } from './ledger.ts';

/**
 * Facility power, renewables first, storage as dispatched (within its limits), then the grid
 * up to its import limit; the rest is shortfall. Returns the largest energy balance error, kWh.
 */
export function settleSupply(site: SiteModel, L: SiteLedger, dispatch: Dispatch, h: number, correct: (what: string) => void): number {
  const storageKW = dispatch.storageKW[site.index];
  const allowExport = dispatch.allowExport[site.index] ?? false;
  const take = dispatch.renewableTakeKW?.[site.index];
  const plannedExport = dispatch.exportKW?.[site.index];
  const n = L.itKW.length;
  const fc = site.facility;
  const st = site.storage;
  let soc = st ? st.socInitialKWh : 0;
  let green = st ? 0 : 0; // kWh of the state of charge that came from renewables
  const exportCap = allowExport ? site.exportLimitKW : 0;
  let maxErr = 0;
  for (let t = 0; t < n; t++) {
    const it = L.itKW[t]!;
    const cooling = it * fc.coolingSlope[t]!;
    const losses = it * fc.lossSlope;
    const facility = it + cooling + losses + fc.fixedKW;
    L.coolingKW[t] = cooling;
    L.lossesKW[t] = losses;
    L.fixedKW[t] = fc.fixedKW;
    L.facilityKW[t] = facility;

    let c = 0, d = 0;
    if (st && storageKW) {
      const r = storageKW[t]!;
      if (r > 0) {
        c = Math.min(r, st.powerKW, Math.max(0, (st.socMaxKWh - soc) / (st.chargeEfficiency * h)));
        if (c < r - 1e-6) correct(`storage charge at ${site.id} limited by power or state of charge`);
      } else if (r < 0) {
        d = Math.min(-r, st.powerKW, Math.max(0, ((soc - st.socMinKWh) * st.dischargeEfficiency) / h));
        if (d < -r - 1e-6) correct(`storage discharge at ${site.id} limited by power or state of charge`);
      }
    }
    const avail = L.renewableAvailableKW[t]!;
    const R = take ? Math.min(avail, Math.max(0, take[t]!)) : avail;
    const cap = plannedExport ? Math.min(exportCap, Math.max(0, plannedExport[t]!)) : exportCap;
    // Where export pays more than import and a plan decided the export, the plan's export is
    // served first from renewables and discharge (the load then imports): the plan and the
    // ledger agree. Otherwise the load comes first and only the surplus is exported.
    const exportFirst = plannedExport !== undefined && cap > 0 && exportPaysMore(site.exportPrice[t]!, importCostPerMWh(site, t));
    let reExport = 0, battExport = 0;
    if (exportFirst) {
      reExport = Math.min(R, cap);
      battExport = Math.min(d, cap - reExport);
    }
    const reToLoad = Math.min(R - reExport, facility);
    let restR = R - reExport - reToLoad;
    let load = facility - reToLoad;
    const battToLoad = Math.min(d - battExport, load);
    load -= battToLoad;
    let battSurplus = d - battExport - battToLoad;
    const reToBatt = Math.min(restR, c);
    restR -= reToBatt;
    let gridToBatt = c - reToBatt;
    if (!exportFirst) {
      reExport = Math.min(restR, cap);
      battExport = Math.min(battSurplus, cap - reExport);
      restR -= reExport;
      battSurplus -= battExport;
    }
    const curtailed = avail - R + restR;
    if (battSurplus > 1e-9) d -= battSurplus; // discharge nobody can take
    let imp = load + gridToBatt;
    const lim = site.importLimitKW[t]!;
    let shortfall = 0;
    if (imp > lim) {
      const cut = Math.min(gridToBatt, imp - lim);
      gridToBatt -= cut;
      c -= cut;
      imp -= cut;
      if (imp > lim) {
        shortfall = imp - lim;
        imp = lim;
      }
    }
    // state of charge and its green content
    if (st) {
      const inKWh = c * st.chargeEfficiency * h;
      const outKWh = (d / st.dischargeEfficiency) * h;
      const gFrac = soc > 1e-12 ? green / soc : 0;
      green = Math.max(0, green - outKWh * gFrac + reToBatt * st.chargeEfficiency * h);
      soc = soc + inKWh - outKWh;
      if (green > soc) green = soc;
      L.directGreenKW[t] = reToLoad + battToLoad * gFrac;
    } else L.directGreenKW[t] = reToLoad;
    L.socKWh[t] = soc;
    L.storageChargeKW[t] = c;
    L.storageDischargeKW[t] = d;
    L.renewableUsedKW[t] = reToLoad + reToBatt;
    L.renewableExportKW[t] = reExport;
    L.renewableCurtailedKW[t] = curtailed;
    L.gridImportKW[t] = imp;
    L.gridExportKW[t] = reExport + battExport;
    L.shortfallKW[t] = shortfall;
    if (shortfall > 1e-6) correct(`load above the import limit at ${site.id} (shortfall)`);
    const sources = avail - curtailed + d + imp + shortfall;
    const sinks = facility + c + reExport + battExport;
    const e = Math.abs(sources - sinks) * h;
    // a NaN anywhere makes e NaN: fail the check (and name the flow) rather than skip it
    if (!(e <= maxErr)) {
      if (!Number.isFinite(e)) nonFinite(site, t, { facility, it, cooling, renewables: avail, curtailed, discharge: d, charge: c, import: imp, export: reExport + battExport, shortfall });
      maxErr = e;
    }
  }
  return maxErr;
}

function nonFinite(site: SiteModel, t: number, flows: Record<string, number>): never {
  const [quantity, value] = Object.entries(flows).find(([, v]) => !Number.isFinite(v)) ?? ['the energy balance', NaN];
  throw new NonFiniteError({ stage: 'simulate (energy balance)', site: site.id, step: t, quantity: `${quantity} power (kW)`, value });
}

/** Import cost of a step, currency per MWh: energy price plus the carbon price on grid CO2. */
export function importCostPerMWh(site: SiteModel, t: number): number {
  return site.importPrice[t]! + (site.carbonIntensity[t]! * site.tariff.carbonPricePerTonne) / 1000;
}

/**
 * True when exporting a MWh earns more than importing one costs: there a plan may export its
 * own supply while the load imports, and the simulator follows it. (The plan and the simulator
 * use this one rule so they cannot disagree.)
 */
export function exportPaysMore(exportPricePerMWh: number, importCostPerMWh: number): boolean {
  return exportPricePerMWh > importCostPerMWh + 1e-9;
}
