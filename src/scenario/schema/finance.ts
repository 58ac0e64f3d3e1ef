/**
 * Investment inputs: capex, opex, revenue contracts, tax and discounting. Owned by the
 * finance stage (src/finance); every default is cited in docs/finance.md.
 */
import { z } from 'zod';
import { bounded, boundedAbove, CostPerMWh, Fraction, Id, LIMITS, Money } from './common.ts';

/** What a capex item buys; categories carry default lives and default unit costs. */
export const CapexCategory = z
  .enum(['gpu-servers', 'network', 'cooling', 'power', 'building', 'storage', 'renewables', 'land-and-soft', 'other'])
  .describe('gpu-servers (per GPU), network (switches, NICs, 400G/800G optics; per GPU or port), cooling and power (per MW IT), building (shell, site, white space), storage (per kWh / kW), renewables (per MW), land-and-soft (land, design, permits, fees), other');
/** A capex category (zod output). */
export type CapexCategory = z.infer<typeof CapexCategory>;

/** How an item is depreciated. */
export const DepreciationMethod = z
  .enum(['straight-line', 'declining-balance', 'sum-of-years'])
  .describe('straight-line; declining-balance (factor × straight-line rate on book value, switching to straight-line when that is larger); sum-of-years-digits');
/** A depreciation method (zod output). */
export type DepreciationMethod = z.infer<typeof DepreciationMethod>;

/** One capex item: quantity × unit cost, its life and the year it is bought. */
export const CapexItem = z.strictObject({
  category: CapexCategory,
  name: z.string().optional().describe('Label shown in reports (default: the category)'),
  quantity: bounded(0, LIMITS.generic).default(1).describe('Number of units bought (GPUs, ports, MW, kWh, …)'),
  unit: z.enum(['gpu', 'port', 'MW', 'kW', 'kWh', 'item']).default('item').describe('Unit of quantity (for reports; cost = quantity × unitCost)'),
  unitCost: Money.describe('Cost per unit, scenario currency'),
  lifeYears: z.number().int().min(1).max(60).optional().describe('Useful life for depreciation and refresh, years (default: the category life in docs/finance.md)'),
  yearSpent: z.number().int().min(0).max(60).default(0).describe('Year the money is spent: 0 = before operations start (construction), k = end of operating year k'),
  depreciation: DepreciationMethod.optional().describe('Depreciation method for this item (default: finance.depreciation.method)'),
});
/** A capex item (zod output). */
export type CapexItem = z.infer<typeof CapexItem>;

/** Explicit capex items of one site. */
export const SiteCapex = z.strictObject({
  site: Id.describe('Site id'),
  items: z.array(CapexItem).default([]).describe('Items at this site; an item of a category replaces the default items of that category here'),
});

/** Overrides of the default unit costs (scenario currency). */
export const UnitCostOverrides = z
  .strictObject({
    gpuServerPerGpu: z.record(Id, Money).optional().describe('Server cost per GPU by accelerator id (GPU share of an 8-GPU server)'),
    networkPerGpu: Money.optional().describe('Cluster network and optics per GPU'),
    coolingPerMW: z.strictObject({ air: Money.optional(), 'cold-plate': Money.optional(), immersion: Money.optional() }).optional().describe('Cooling plant per MW of installed IT, by archetype'),
    powerPerMW: Money.optional().describe('High-voltage substation, UPS and distribution per MW of installed IT'),
    buildingPerMW: Money.optional().describe('Shell, site work, white space, back of house and office per MW of installed IT'),
    landAndSoftShare: z.number().min(0).max(2).optional().describe('Land and soft costs as a share of facility construction (cooling + power + building)'),
    storagePerKWh: Money.optional().describe('Storage per kWh of energy capacity'),
    storagePerKW: Money.optional().describe('Storage per kW of power capacity'),
    solarPerMW: Money.optional().describe('Owned solar per MW (plants with pricePerMWh = 0)'),
    windPerMW: Money.optional().describe('Owned wind per MW (plants with pricePerMWh = 0)'),
  })
  .describe('Replace default unit costs (scenario currency)');

/** Capex inputs: defaults, refresh, unit-cost and life overrides, explicit items per site. */
export const Capex = z.strictObject({
  useDefaults: z.boolean().default(true).describe('Add default items, sized from each site (GPUs, MW of IT, storage, owned renewables), for categories not given'),
  refreshAtEndOfLife: z.boolean().default(true).describe('Buy items again when their life ends inside the horizon (GPU refresh)'),
  priceEscalation: z.number().min(-0.5).max(1).default(0).describe('Yearly change of the price of refresh purchases (negative: hardware gets cheaper)'),
  unitCosts: UnitCostOverrides.optional(),
  lifeYears: z.partialRecord(CapexCategory, z.number().int().min(1).max(60)).optional().describe('Default life by category, years'),
  sites: z.array(SiteCapex).default([]).describe('Explicit items per site'),
});

/** Opex rates besides electricity (which comes from the simulated bill). */
export const Opex = z.strictObject({
  maintenanceShareOfCapex: z.number().min(0).max(1).default(0.02).describe('Maintenance and spares per year as a share of installed capex'),
  insuranceShareOfCapex: z.number().min(0).max(1).default(0.005).describe('Property insurance per year as a share of installed capex'),
  staffFtePerMW: bounded(0, LIMITS.factor).default(0.5).describe('Operations staff per MW of installed IT (full-time equivalents)'),
  costPerFtePerYear: Money.optional().describe('Loaded cost of one FTE per year, scenario currency (default in docs/finance.md)'),
  wueLPerKWh: bounded(0, 100).optional().describe('Water use per kWh of IT energy, L/kWh (default by heat rejection: evaporative 1.8, dry 0)'),
  waterPricePerM3: bounded(0, LIMITS.pricePerMWh).optional().describe('Water price per m³, scenario currency'),
  networkPerGpuPerYear: Money.default(0).describe('WAN transit and interconnect per GPU per year'),
  greenCertificates: z
    .strictObject({
      shareOfGridImport: Fraction.describe('Share of grid imports covered by certificates bought on top of any the tariff already buys'),
      pricePerMWh: CostPerMWh.describe('Certificate price per MWh (1 certificate = 1 MWh)'),
    })
    .optional(),
  otherFixedPerYear: Money.default(0).describe('Other fixed costs per year for the fleet (spread over sites by IT MW)'),
});

/** A compute sales contract with a take-or-pay minimum. */
export const Contract = z
  .strictObject({
    id: Id.describe('Contract id: an AI production line in reports'),
    customer: z.string().optional(),
    workloads: z.array(Id).min(1).describe('Workloads whose simulated volume this contract sells'),
    priceBasis: z.enum(['gpu-hour', 'million-tokens']).describe('Price per GPU-hour allocated, or per million tokens produced'),
    price: boundedAbove(0, LIMITS.unitPrice).describe('Price per unit of the basis in the first contract year, scenario currency'),
    tenorYears: z.number().int().min(1).max(60).describe('Length of the contract, years'),
    startYear: z.number().int().min(1).max(60).default(1).describe('First operating year of the contract'),
    minimumMonthlyVolume: bounded(0, LIMITS.generic).default(0).describe('Take-or-pay minimum per month, in basis units (GPU-hours or million tokens): the customer pays for at least this'),
    escalation: z.number().min(-0.5).max(1).default(0).describe('Yearly price change'),
  })
  .describe('A compute sale: volume from the simulated workloads, billed monthly as max(volume, minimum) × price');
/** A contract (zod output). */
export type Contract = z.infer<typeof Contract>;

/** Spot sales of uncontracted work and idle GPU-hours. */
export const SpotCompute = z
  .strictObject({
    pricePerGpuHour: boundedAbove(0, LIMITS.unitPrice).optional().describe('Spot price per GPU-hour'),
    pricePerMillionTokens: boundedAbove(0, LIMITS.unitPrice).optional().describe('Spot price per million tokens (uncontracted token work)'),
    idleUtilisation: Fraction.default(0).describe('Share of GPU-hours no workload used that is sold on the spot market'),
    escalation: z.number().min(-0.5).max(1).default(0).describe('Yearly spot price change'),
  })
  .refine((s) => s.idleUtilisation === 0 || s.pricePerGpuHour !== undefined, { message: 'selling idle GPU-hours needs pricePerGpuHour', path: ['pricePerGpuHour'] })
  .describe('Spot sales: uncontracted workloads and idle capacity');

/** ± ranges of the NPV tornado. */
export const Sensitivity = z.strictObject({
  energyPrice: z.number().min(0).max(1).default(0.2).describe('± share of the electricity cost'),
  gpuPrice: z.number().min(0).max(1).default(0.2).describe('± share of GPU server capex'),
  utilisation: z.number().min(0).max(1).default(0.1).describe('± share of GPU-hours used (and tokens)'),
  pue: z.number().min(0).max(1).default(0.1).describe('± absolute PUE'),
  contractPrice: z.number().min(0).max(1).default(0.2).describe('± share of contract prices'),
  discountRate: z.number().min(0).max(0.5).default(0.02).describe('± absolute discount rate'),
});

/** The scenario's `finance` section. */
export const Finance = z
  .strictObject({
    horizonYears: z.number().int().min(1).max(40).default(5).describe('Operating years valued after construction (year 0)'),
    discountRate: z.number().gt(-0.9).max(1).default(0.1).describe('Nominal discount rate per year'),
    inflation: z.number().min(-0.2).max(1).default(0.02).describe('Yearly escalation of opex'),
    energyPriceEscalation: z.number().min(-0.5).max(1).optional().describe('Yearly change of electricity cost (default: inflation)'),
    taxRate: Fraction.default(0.25).describe('Income tax rate'),
    taxLossCarryForward: z.boolean().default(true).describe('Losses reduce tax in later years'),
    depreciation: z
      .strictObject({
        method: DepreciationMethod.default('straight-line'),
        decliningBalanceFactor: z.number().min(1).max(4).default(2).describe('Factor of declining-balance (2 = double declining)'),
      })
      .default({ method: 'straight-line', decliningBalanceFactor: 2 }),
    residualValue: z.enum(['book-value', 'none']).default('book-value').describe('Value of assets at the end of the horizon: undepreciated book value, or nothing'),
    paybackTargetMonths: boundedAbove(0, 1200).default(18).describe('Target payback per AI production line, months'),
    exchangeRatePerUSD: boundedAbove(0, 1e6).optional().describe('Scenario currency units per USD, to convert USD default costs (default: 1 for USD, 7.2 for CNY)'),
    capex: Capex.default({ useDefaults: true, refreshAtEndOfLife: true, priceEscalation: 0, sites: [] }),
    opex: Opex.default({ maintenanceShareOfCapex: 0.02, insuranceShareOfCapex: 0.005, staffFtePerMW: 0.5, networkPerGpuPerYear: 0, otherFixedPerYear: 0 }),
    contracts: z.array(Contract).default([]).describe('Compute sales contracts (AI production lines)'),
    spotCompute: SpotCompute.optional(),
    demandResponse: z
      .strictObject({ revenuePerYear: Money.describe('Grid-program revenue per year (used when no grid-programs result is passed in)') })
      .optional(),
    wasteHeat: z
      .strictObject({
        recoveredShareOfIt: Fraction.describe('Share of IT energy sold as heat'),
        pricePerMWh: CostPerMWh.describe('Heat price per MWh'),
        sites: z.array(Id).optional().describe('Sites with heat recovery (default: all)'),
      })
      .optional(),
    sensitivity: Sensitivity.default({ energyPrice: 0.2, gpuPrice: 0.2, utilisation: 0.1, pue: 0.1, contractPrice: 0.2, discountRate: 0.02 }),
  })
  .describe('Capex, opex, revenue, tax and discounting for `wattshift finance`');
/** The finance section after defaults (zod output). */
export type Finance = z.infer<typeof Finance>;
/** The finance section as written (zod input). */
export type FinanceInput = z.input<typeof Finance>;
