/**
 * The supply side of a site at every step: facility power from IT power (the physics stage's
 * affine coefficients) plus load series, then supply in a fixed order, which is also how the
 * ledger's flow columns are allocated:
 *
 * - the load (facility + site loads) is served by renewables, then storage discharge, then
 *   generators, then the grid;
 * - storage charges from renewables left over, then generator output left over, then the grid;
 * - export takes renewables left over, then storage discharge left over, then generator output
 *   (where a generator may export), up to the export limit; renewables nobody takes are curtailed.
 *
 * Where the plan exports more than this surplus, the difference is taken from renewables (then
 * storage) serving the load, and generator output left over serves that load instead; the grid
 * may serve it only where the tariff lets a site import and export in the same step. Storage follows its setpoint within limits (tracking the green
 * share of what it holds); the grid covers the rest up to its import limit; what is left is
 * shortfall.
 */
import { NonFiniteError } from '../errors/index.ts';
import type { SiteModel } from '../model/fleet-model.ts';
import type { Dispatch } from './dispatch.ts';
import type { SiteLedger } from './ledger.ts';

/** Returns the largest energy balance error, kWh, over the site's steps. */
export function settleSupply(site: SiteModel, L: SiteLedger, dispatch: Dispatch, h: number, correct: (what: string) => void): number {
  const storageKW = dispatch.storageKW[site.index];
  const allowExport = dispatch.allowExport[site.index] ?? false;
  const take = dispatch.renewableTakeKW?.[site.index];
  const plannedExport = dispatch.exportKW?.[site.index];
  const plannedGen = dispatch.generatorKW?.[site.index];
  const exclusive = site.compiledTariff.exclusive;
  const n = L.itKW.length;
  const fc = site.facility;
  const st = site.storage;
  const gens = site.generators;
  const runHours = gens.map(() => 0);
  const genOut = new Float64Array(gens.length);
  let soc = st ? st.socInitialKWh : 0;
  let green = 0; // kWh of the state of charge that came from renewables
  let maxErr = 0;
  for (let t = 0; t < n; t++) {
    const it = L.itKW[t]!;
    const cooling = it * fc.coolingSlope[t]!;
    const losses = it * fc.lossSlope;
    const facility = it + cooling + losses + fc.fixedKW + site.facilityLoadKW[t]!;
    const siteLoad = site.siteLoadKW[t]!;
    L.coolingKW[t] = cooling;
    L.lossesKW[t] = losses;
    L.fixedKW[t] = fc.fixedKW;
    L.facilityLoadKW[t] = site.facilityLoadKW[t]!;
    L.facilityKW[t] = facility;
    L.siteLoadKW[t] = siteLoad;

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
    // generators: the planned output, held within [minimum load, rating] and the run-hour limit
    let G = 0;
    let genExportable = 0;
    for (let k = 0; k < gens.length; k++) {
      const g = gens[k]!;
      let p = plannedGen?.[k]?.[t] ?? 0;
      if (!(p > 1e-6)) p = 0; // below a milliwatt: off
      if (p > g.capacityKW) p = g.capacityKW;
      if (p > 0 && p < g.minKW - 1e-6) {
        correct(`generator ${g.id} at ${site.id} planned below its minimum load; raised to it`);
        p = g.minKW;
      }
      if (p > 0 && g.maxRunHours !== undefined && runHours[k]! + h > g.maxRunHours + 1e-9) {
        correct(`generator ${g.id} at ${site.id} reached its run-hour limit; stopped`);
        p = 0;
      }
      genOut[k] = p;
      G += p;
      if (g.canExport) genExportable += p;
    }

    const load = facility + siteLoad;
    const avail = L.renewableAvailableKW[t]!;
    const R = take ? Math.min(avail, Math.max(0, take[t]!)) : avail;
    let reToLoad = Math.min(R, load);
    let restR = R - reToLoad;
    let rest = load - reToLoad;
    let battToLoad = Math.min(d, rest);
    rest -= battToLoad;
    const battSurplus = d - battToLoad;
    let genToLoad = Math.min(G, rest);
    rest -= genToLoad;
    let genSurplus = G - genToLoad;
    const reToBatt = Math.min(restR, c);
    restR -= reToBatt;
    const genToBatt = Math.min(genSurplus, c - reToBatt);
    genSurplus -= genToBatt;
    let gridToBatt = c - reToBatt - genToBatt;
    const cap = allowExport ? (plannedExport ? Math.min(site.exportLimitKW[t]!, Math.max(0, plannedExport[t]!)) : site.exportLimitKW[t]!) : 0;
    let reExport = Math.min(restR, cap);
    let battExport = Math.min(battSurplus, cap - reExport);
    const genExport = Math.min(genSurplus, Math.max(0, genExportable - genToLoad - genToBatt), cap - reExport - battExport);
    genSurplus -= genExport;
    // a plan that sells on-site output while the load takes from elsewhere: renewables (then storage)
    // serving the load are exported, and generators left over serve the load instead; the grid may
    // take over the rest only where the tariff allows importing and exporting in the same step
    let diverted = 0;
    if (plannedExport && allowExport) {
      const want = Math.min(cap, Math.max(0, plannedExport[t]!)) - (reExport + battExport + genExport);
      if (want > 1e-9) {
        const room = Math.min(want, exclusive ? genSurplus : Infinity);
        const fromRe = Math.min(room, reToLoad);
        reToLoad -= fromRe;
        reExport += fromRe;
        const fromBatt = Math.min(room - fromRe, battToLoad);
        battToLoad -= fromBatt;
        battExport += fromBatt;
        diverted = fromRe + fromBatt;
        const fromGen = Math.min(diverted, genSurplus);
        genToLoad += fromGen;
        genSurplus -= fromGen;
        diverted -= fromGen;
      }
    }
    if (battSurplus - battExport > 1e-9) d -= battSurplus - battExport; // discharge nobody can take
    if (genSurplus > 1e-9) {
      // output nobody can take: generators turn down (last one first)
      let cut = genSurplus;
      for (let k = gens.length - 1; k >= 0 && cut > 1e-12; k--) {
        const x = Math.min(cut, genOut[k]!);
        genOut[k]! -= x;
        cut -= x;
        if (genOut[k]! > 1e-9 && genOut[k]! < gens[k]!.minKW - 1e-6) correct(`generator ${gens[k]!.id} at ${site.id} turned below its minimum load (more output than the site could use)`);
      }
      G -= genSurplus;
      genSurplus = 0;
    }
    const curtailed = avail - (reToLoad + reToBatt + reExport);
    let gridToLoad = rest + diverted;
    const lim = site.importLimitKW[t]!;
    let shortfall = 0;
    if (gridToLoad + gridToBatt > lim) {
      const cutBatt = Math.min(gridToBatt, gridToLoad + gridToBatt - lim);
      gridToBatt -= cutBatt;
      c -= cutBatt;
      if (gridToLoad > lim) {
        shortfall = gridToLoad - lim;
        gridToLoad = lim;
      }
    }
    const imp = gridToLoad + gridToBatt;
    // state of charge and its green content
    const facilityShare = load > 0 ? facility / load : 0;
    if (st) {
      const inKWh = c * st.chargeEfficiency * h;
      const outKWh = (d / st.dischargeEfficiency) * h;
      const gFrac = soc > 1e-12 ? green / soc : 0;
      green = Math.max(0, green - outKWh * gFrac + reToBatt * st.chargeEfficiency * h);
      soc = soc + inKWh - outKWh;
      if (green > soc) green = soc;
      L.directGreenKW[t] = (reToLoad + battToLoad * gFrac) * facilityShare;
    } else L.directGreenKW[t] = reToLoad * facilityShare;
    for (let k = 0; k < gens.length; k++) {
      const gl = L.generators[k]!;
      gl.kW[t] = genOut[k]!;
      gl.running[t] = genOut[k]! > 1e-9 ? 1 : 0;
      if (genOut[k]! > 1e-9) runHours[k]! += h;
    }
    L.generatorKW[t] = G;
    L.socKWh[t] = soc;
    L.storageChargeKW[t] = c;
    L.storageDischargeKW[t] = d;
    L.renewableUsedKW[t] = reToLoad + reToBatt;
    L.renewableExportKW[t] = reExport;
    L.renewableCurtailedKW[t] = curtailed;
    L.gridImportKW[t] = imp;
    L.gridExportKW[t] = reExport + battExport + genExport;
    L.shortfallKW[t] = shortfall;
    L.gridToLoadKW[t] = gridToLoad;
    L.gridToStorageKW[t] = gridToBatt;
    L.renewableToLoadKW[t] = reToLoad;
    L.renewableToStorageKW[t] = reToBatt;
    L.storageToLoadKW[t] = battToLoad;
    L.storageToGridKW[t] = battExport;
    L.generatorToLoadKW[t] = genToLoad;
    L.generatorToStorageKW[t] = genToBatt;
    L.generatorToGridKW[t] = genExport;
    if (shortfall > 1e-6) correct(`load above the import limit at ${site.id} (shortfall)`);
    const sources = avail - curtailed + d + G + imp + shortfall;
    const sinks = load + c + L.gridExportKW[t]!;
    const e = Math.abs(sources - sinks) * h;
    // a NaN anywhere makes e NaN: fail the check (and name the flow) rather than skip it
    if (!(e <= maxErr)) {
      if (!Number.isFinite(e)) nonFinite(site, t, { facility, it, cooling, 'site load': siteLoad, renewables: avail, curtailed, discharge: d, charge: c, generators: G, import: imp, export: L.gridExportKW[t]!, shortfall });
      maxErr = e;
    }
  }
  return maxErr;
}

function nonFinite(site: SiteModel, t: number, flows: Record<string, number>): never {
  const [quantity, value] = Object.entries(flows).find(([, v]) => !Number.isFinite(v)) ?? ['the energy balance', NaN];
  throw new NonFiniteError({ stage: 'simulate (energy balance)', site: site.id, step: t, quantity: `${quantity} power (kW)`, value });
}
