/**
 * What a plan saves against a base policy (naive, greedy), split by cause, so a saving is read
 * for what it is: shifting load to cheap hours, the battery, exports, demand charges, or running
 * GPUs below full power. The causes add up to the operating-cost saving exactly: each is read
 * from the bill lines (docs/optimisation.md, "Savings by cause").
 */
import type { FleetModel } from '../model/fleet-model.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { stepHours } from '../time/grid.ts';
import type { SavingCauses, SavingsAgainst, SlowerOnTime, Summary } from './summary-types.ts';

export type { SavingCauses, SavingsAgainst, SlowerOnTime } from './summary-types.ts';

/** What the split needs of one run. */
export interface RunForSavings {
  summary: Summary;
  ledger: Ledger;
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

function operatingCost(s: Summary): number {
  return s.fleet.energyCost + s.fleet.storageDegradationCost;
}

/** Battery net discharge of `plan` over `base`, valued per step at import price (importing) or export price (not). */
function storageEnergyValue(model: FleetModel, base: Ledger, plan: Ledger): { atImport: number; atExport: number } {
  const h = stepHours(model.grid);
  let atImport = 0;
  let atExport = 0;
  for (const site of model.sites) {
    const P = plan.sites[site.index]!;
    const B = base.sites[site.index]!;
    for (let t = 0; t < model.grid.steps; t++) {
      const d = P.storageDischargeKW[t]! - P.storageChargeKW[t]! - (B.storageDischargeKW[t]! - B.storageChargeKW[t]!);
      if (d === 0) continue;
      const mwh = (d * h) / 1000;
      if (P.gridImportKW[t]! > 1e-9) atImport += mwh * P.importPrice[t]!;
      else atExport += mwh * P.exportPrice[t]!;
    }
  }
  return { atImport, atExport };
}

/** Splits the operating-cost saving of `plan` against `base` by cause (see {@link SavingCauses}). */
export function savingsAgainst(model: FleetModel, base: RunForSavings, plan: RunForSavings): SavingsAgainst {
  const B = base.summary.fleet;
  const P = plan.summary.fleet;
  const b = B.energyCostBreakdown;
  const p = P.energyCostBreakdown;
  const battery = storageEnergyValue(model, base.ledger, plan.ledger);
  const wear = P.storageDegradationCost - B.storageDegradationCost;
  const energyLine = b.energy - p.energy;
  const exportLine = b.exportCredit - p.exportCredit;
  // throttling: IT energy the plan did not draw, as the base would have bought it
  const avgPrice = B.gridImportMWh > 0 ? b.energy / B.gridImportMWh : 0;
  const throttling = (B.itEnergyMWh - P.itEnergyMWh) * (B.pue !== null && B.pue > 0 ? B.pue : 1) * avgPrice;
  const causes: SavingCauses = {
    energyShifting: energyLine - battery.atImport - throttling,
    storage: battery.atImport + battery.atExport - wear,
    export: exportLine - battery.atExport,
    demandCharges: b.demand + b.capacity - (p.demand + p.capacity),
    throttling,
    otherTariffLines: b.pueAdjustment + b.certificates + b.renewableSupply + b.carbon - (p.pueAdjustment + p.certificates + p.renewableSupply + p.carbon),
  };
  const total = operatingCost(base.summary) - operatingCost(plan.summary);
  const done = (s: Summary) => s.jobs.filter((j) => j.type !== 'inference').reduce((a, j) => a + j.doneGpuHours, 0);
  const baseJobs = new Map(base.summary.jobs.map((j) => [j.id, j]));
  const slowerOnTime: SlowerOnTime[] = [];
  for (const j of plan.summary.jobs) {
    const x = baseJobs.get(j.id);
    if (!x || j.type === 'inference' || j.late) continue;
    const sameWork = Math.abs(j.doneGpuHours - x.doneGpuHours) <= 1e-6 * Math.max(1, x.doneGpuHours);
    if (sameWork && j.performance < x.performance - 1e-6) slowerOnTime.push({ id: j.id, performanceBase: x.performance, performance: j.performance });
  }
  return {
    base: base.summary.policy,
    baseOperatingCost: r2(operatingCost(base.summary)),
    operatingCost: r2(operatingCost(plan.summary)),
    total: r2(total),
    totalPercent: operatingCost(base.summary) !== 0 ? Math.round((total / Math.abs(operatingCost(base.summary))) * 10000) / 100 : 0,
    byCause: {
      energyShifting: r2(causes.energyShifting),
      storage: r2(causes.storage),
      export: r2(causes.export),
      demandCharges: r2(causes.demandCharges),
      throttling: r2(causes.throttling),
      otherTariffLines: r2(causes.otherTariffLines),
    },
    co2Tonnes: r6(B.co2Tonnes - P.co2Tonnes),
    doneGpuHoursBase: r6(done(base.summary)),
    doneGpuHours: r6(done(plan.summary)),
    slowerOnTime,
  };
}

/** Names of the causes in the order printed, with the words used in text and reports. */
export const SAVING_CAUSES: ReadonlyArray<[keyof SavingCauses, string]> = [
  ['energyShifting', 'energy shifting (load moved to cheaper hours and sites, green supply used)'],
  ['storage', 'storage (battery arbitrage less wear)'],
  ['export', 'export (surplus sold instead of curtailed)'],
  ['demandCharges', 'demand charges (monthly peaks, capacity)'],
  ['throttling', 'throttling (same work at lower GPU power)'],
  ['otherTariffLines', 'other tariff lines (PUE adjustment, certificates, renewable supply, carbon)'],
];
