/** Small hand-built operating years for the finance tests (not used by the library). */
import { Finance, type FinanceInput } from '../../src/scenario/schema/finance.ts';
import { buildCapex } from '../../src/finance/capex.ts';
import type { ValuationInput } from '../../src/finance/cashflows.ts';
import { resolveDefaults } from '../../src/finance/defaults.ts';
import { allocationShares, defineLines } from '../../src/finance/lines.ts';
import type { OperatingYear, SiteYear, WorkloadMonths } from '../../src/finance/operating-year.ts';

const twelve = (x: number) => new Array<number>(12).fill(x);

/** A workload's months with the same figures every month. */
export function flatWorkload(workload: number, gpuHours: number, itMWh: number, tokens = 0): WorkloadMonths {
  return { workload, gpuHours: twelve(gpuHours), workGpuHours: twelve(gpuHours), tokens: twelve(tokens), itMWh: twelve(itMWh) };
}

/** One site with 730-hour months, flat energy and cost, and the given workloads. */
export function flatSite(opts: { id?: string; gpus: number; itMW?: number; idleItMWh?: number; facilityMWh: number; energyCost: number; workloads: WorkloadMonths[] }): SiteYear {
  const busyIt = (m: number) => opts.workloads.reduce((a, w) => a + w.itMWh[m]!, 0);
  return {
    index: 0,
    id: opts.id ?? 'a',
    name: opts.id ?? 'a',
    installedGpus: opts.gpus,
    installedItMW: opts.itMW ?? 0.01,
    pools: [{ accelerator: 'H100', gpus: opts.gpus }],
    archetype: 'cold-plate',
    heatRejection: 'dry',
    storage: null,
    renewables: [],
    hours: twelve(730),
    itMWh: twelve(0).map((_, m) => busyIt(m) + (opts.idleItMWh ?? 0)),
    idleItMWh: twelve(opts.idleItMWh ?? 0),
    facilityMWh: twelve(opts.facilityMWh),
    gridImportMWh: twelve(opts.facilityMWh),
    energyCost: twelve(opts.energyCost),
    capacityGpuHours: twelve(opts.gpus * 730),
    idleKWPerGpu: 0.2,
    fullKWPerGpu: 1.2,
    workloads: opts.workloads,
  };
}

/** An operating year of the given sites and workload ids (training workloads without own value). */
export function yearOf(sites: SiteYear[], workloadIds: string[]): OperatingYear {
  sites.forEach((s, i) => (s.index = i));
  return {
    scenario: 'test',
    policy: 'naive',
    currency: 'USD',
    sites,
    workloads: workloadIds.map((id, index) => ({ index, id, type: 'training', value: 0, valueBasis: 'work-gpu-hour' })),
    annualised: false,
    notes: [],
  };
}

/** The valuation input for a year and finance inputs, as valueInvestment builds it. */
export function inputOf(year: OperatingYear, finance: FinanceInput, demandResponsePerYear = 0): ValuationInput {
  const f = Finance.parse(finance);
  const defaults = resolveDefaults('USD', f);
  const capex = buildCapex(year, f, defaults, []);
  const lines = defineLines(year, f);
  const shares = allocationShares(year, lines, f.spotCompute?.idleUtilisation ?? 0);
  return { year, finance: f, defaults, capex, lines, shares, demandResponsePerYear };
}

/**
 * The finance inputs of the worked case (its figures worked by hand in cashflows.test.ts): 3 years
 * at 10 %, tax 25 %, one 120,000 server with a 4-year life, 12,000 a year of other fixed cost, a
 * 2-year contract at 2.00/GPU-h (+10 % a year) with a 6,000 GPU-h monthly minimum, then spot at 1.50.
 */
export const WORKED_FINANCE = {
  horizonYears: 3,
  discountRate: 0.1,
  inflation: 0,
  taxRate: 0.25,
  capex: { useDefaults: false, sites: [{ site: 'a', items: [{ category: 'gpu-servers' as const, quantity: 1, unitCost: 120_000, lifeYears: 4 }] }] },
  opex: { maintenanceShareOfCapex: 0, insuranceShareOfCapex: 0, staffFtePerMW: 0, wueLPerKWh: 0, otherFixedPerYear: 12_000 },
  contracts: [{ id: 'c1', workloads: ['job'], priceBasis: 'gpu-hour' as const, price: 2, tenorYears: 2, minimumMonthlyVolume: 6000, escalation: 0.1 }],
  spotCompute: { pricePerGpuHour: 1.5 },
};

/** The worked case's valuation input: one site of 10 GPUs, one job using 5,000 GPU-h and 1,000 of electricity a month. */
export function workedCase(): ValuationInput {
  const site = flatSite({ gpus: 10, facilityMWh: 12, energyCost: 1000, workloads: [flatWorkload(0, 5000, 10)] });
  return inputOf(yearOf([site], ['job']), WORKED_FINANCE);
}
