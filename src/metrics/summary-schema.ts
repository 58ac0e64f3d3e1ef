/**
 * The published schema of `summary.json` (what `simulate --json` and `plan --json` print):
 * a zod description of {@link Summary}, from which `wattshift schema --summary` prints the JSON
 * Schema. Objects are open (extra fields allowed): the contract only ever adds fields, and
 * `schemaVersion` changes only if a field is renamed or removed.
 */
import { z } from 'zod';
import type { Summary } from './summary-types.ts';

/** The version of the summary format; summaries carry it as `schemaVersion`. */
export const SUMMARY_SCHEMA_VERSION = 1;

const num = z.number();
const nullableNum = z.number().nullable();

const Breakdown = z.looseObject({
  energy: num.describe('Energy lines (energy, network and government adders), currency'),
  demand: num.describe('Maximum-demand charges, currency'),
  capacity: num.describe('Contracted-capacity charges, currency'),
  exportCredit: num.describe('Export credit (negative: income), currency'),
  pueAdjustment: num.describe('PUE-linked surcharges (+) and discounts (−), currency'),
  certificates: num.describe('Green certificates bought to reach the target, currency'),
  renewableSupply: num.describe('Direct renewable supply taken (PPA), currency'),
  carbon: num.describe('Carbon price on grid CO2, currency'),
});

const kpiShape = {
  itEnergyMWh: num,
  coolingEnergyMWh: num,
  lossesEnergyMWh: num,
  fixedEnergyMWh: num,
  facilityEnergyMWh: num,
  pue: num.describe('Facility energy / IT energy over the period (ISO/IEC 30134-2)'),
  gridImportMWh: num,
  gridExportMWh: num,
  renewableAvailableMWh: num,
  renewableCurtailedMWh: num,
  directGreenMWh: num,
  directGreenRatio: num.describe('Direct renewable energy consumed / facility energy'),
  renewableShare: num.describe('(Direct green + grid imports × grid renewable share) / facility energy'),
  co2Tonnes: num.describe('Location-based CO2 of grid imports, tonnes'),
  energyCost: num.describe('Total electricity bill, currency'),
  energyCostBreakdown: Breakdown,
  storageDegradationCost: num,
  storageThroughputMWh: num,
  peakImportMW: num,
  shortfallMWh: num,
  tokens: num,
  tokensPerJouleIT: nullableNum,
  tokensPerJouleFacility: nullableNum,
  energyCostPerMillionTokens: nullableNum,
  unservedWork: num.describe('Work not done, GPU-hours at full speed'),
  unservedTokens: num,
  lateJobs: num,
  sloAttainment: num.describe('Served share of inference demand (1 when there is none)'),
};

const Month = z.looseObject({
  month: z.string().describe('Local month, YYYY-MM'),
  itEnergyMWh: num,
  facilityEnergyMWh: num,
  pue: num,
  directGreenRatio: num,
  gridImportMWh: num,
  co2Tonnes: num,
  energyCost: num,
});

const Savings = z.looseObject({
  base: z.string().describe('The base policy (naive, greedy)'),
  baseOperatingCost: num,
  operatingCost: num,
  total: num.describe('Operating-cost saving, base − plan, currency'),
  totalPercent: num,
  byCause: z.looseObject({
    energyShifting: num,
    storage: num,
    export: num,
    demandCharges: num,
    throttling: num,
    otherTariffLines: num,
  }).describe('The saving split by cause; the causes add up to total (docs/optimisation.md)'),
  co2Tonnes: num,
  doneGpuHoursBase: num,
  doneGpuHours: num,
  slowerOnTime: z.array(z.looseObject({ id: z.string(), performanceBase: num, performance: num })).describe('Jobs that ran slower but on time (work done unchanged)'),
});

const AlignReport = z.looseObject({
  name: z.string(),
  file: z.string().optional(),
  source: z.string(),
  unitFrom: z.string(),
  unitTo: z.string(),
  samples: num,
  samplesInHorizon: num,
  duplicates: num,
  missingCells: num,
  nonexistentLocalTimes: num,
  shiftDropped: num.optional(),
  sourceStepMinutes: num,
  gapSteps: num,
  gapRuns: num,
  longestGapSteps: num,
  fill: z.enum(['linear', 'previous', 'zero', 'error']),
  heldAtStartSteps: num.optional(),
  heldAtEndSteps: num.optional(),
  resample: z.enum(['mean', 'sum', 'hold', 'none']),
});

const summaryShape = {
  schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION).optional().describe('Version of this format (absent in summaries written before it was added)'),
  scenario: z.string(),
  policy: z.string(),
  horizon: z.looseObject({
    start: z.string().describe('UTC instant, ISO 8601 with Z'),
    end: z.string(),
    startLocal: z.string().optional().describe('Local ISO 8601 time with offset in timeZone'),
    endLocal: z.string().optional(),
    stepMinutes: num,
    steps: num,
    timeZone: z.string(),
  }),
  currency: z.string(),
  fleet: z.looseObject({ ...kpiShape, months: z.array(Month) }),
  sites: z.array(z.looseObject({
    ...kpiShape,
    id: z.string(),
    name: z.string(),
    timeZone: z.string(),
    designPue: num,
    installedItMW: num,
    greenTarget: nullableNum.optional(),
    months: z.array(Month),
  })),
  jobs: z.array(z.looseObject({
    id: z.string(),
    type: z.enum(['inference', 'training', 'batch']),
    requiredGpuHours: num,
    doneGpuHours: num,
    remainingGpuHours: num,
    late: z.boolean(),
    tokens: num,
    unservedTokens: num,
    performance: num.describe('Average throughput fraction from release to finish (inference: served share)'),
    qosWeight: num,
    qosFloor: nullableNum,
    finishedAt: z.string().nullable().describe('UTC instant'),
    finishedAtLocal: z.string().nullable().optional().describe('Local ISO 8601 time with offset'),
  })),
  qos: z.looseObject({
    weighted: num,
    jobs: z.array(z.looseObject({ id: z.string(), performance: num, floor: nullableNum, weight: num })),
  }).nullable(),
  checks: z.looseObject({ maxEnergyBalanceErrorKWh: num, corrections: z.array(z.string()) }),
  solver: z.looseObject({
    status: z.string(), objective: nullableNum, rows: num, columns: num, nonzeros: num, buildSeconds: num, solveSeconds: num,
    mipGap: nullableNum, solves: num, windows: num, largestColumns: num, backend: z.string(),
  }).optional().describe('Optimiser statistics (optimising policies only)'),
  savingsVsNaive: z.looseObject({ energyCost: num, co2Tonnes: num, totalCost: num }).optional().describe('Naive minus this policy (plan only)'),
  savings: z.looseObject({ vsNaive: Savings, vsGreedy: Savings }).optional().describe('The saving against naive and greedy by cause (plan only)'),
  notes: z.array(z.string()),
  warnings: z.array(z.string()),
  series: z.array(AlignReport),
};

/** The summary format as a zod schema (open objects). */
export const SummarySchema = z.looseObject(summaryShape).describe('wattshift summary.json: key figures of one simulated run');

// every field of the Summary type is described, and nothing else
type Same<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : false;
const covered: Same<keyof Summary, keyof typeof summaryShape> = true;
void covered;

/** The JSON Schema of `summary.json`, with its `$id` (what `wattshift schema --summary` prints). */
export function summaryJsonSchema(): Record<string, unknown> {
  return { $id: `https://wattshift.dev/schema/summary-${SUMMARY_SCHEMA_VERSION}.schema.json`, ...(z.toJSONSchema(SummarySchema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>) };
}
