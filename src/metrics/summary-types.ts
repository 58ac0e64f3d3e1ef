/**
 * The types of `summary.json` (what `simulate --json` and `plan --json` print), apart from the
 * code that computes them (summary.ts, savings.ts) and the schema that publishes them
 * (summary-schema.ts), so each of those and the dashboard read one definition.
 */
import type { SiteBill } from '../billing/bill.ts';
import type { SolverStats } from '../simulate/dispatch.ts';
import type { WorkloadOutcome } from '../simulate/ledger.ts';
import type { AlignReport } from '../series/types.ts';

/** Key figures of one site or of the fleet. */
export interface Kpis {
  itEnergyMWh: number;
  coolingEnergyMWh: number;
  lossesEnergyMWh: number;
  fixedEnergyMWh: number;
  facilityEnergyMWh: number;
  /** Facility energy / IT energy over the period (ISO/IEC 30134-2); null when there is no IT energy. */
  pue: number | null;
  /** Energy of loads behind the meter outside the facility (buildings), MWh. */
  siteLoadEnergyMWh: number;
  /** Energy from backup generators, MWh. */
  generatorEnergyMWh: number;
  /** CO2 of backup generators' fuel, tonnes (included in co2Tonnes). */
  generatorCo2Tonnes: number;
  gridImportMWh: number;
  gridExportMWh: number;
  renewableAvailableMWh: number;
  renewableCurtailedMWh: number;
  directGreenMWh: number;
  /** Direct renewable energy consumed / facility energy. */
  directGreenRatio: number;
  /** (Direct green + grid imports × grid renewable share) / facility energy. */
  renewableShare: number;
  /** Location-based CO2 of grid imports plus the CO2 of backup generators' fuel, tonnes. */
  co2Tonnes: number;
  /** Total electricity bill (energy, demand, capacity, adjustments, renewable supply, net of export credit). */
  energyCost: number;
  energyCostBreakdown: SiteBill['breakdown'];
  storageDegradationCost: number;
  storageThroughputMWh: number;
  peakImportMW: number;
  shortfallMWh: number;
  tokens: number;
  /** Tokens per joule of IT energy (null when no IT energy). */
  tokensPerJouleIT: number | null;
  tokensPerJouleFacility: number | null;
  /** Energy cost per million tokens (null when no tokens were produced). */
  energyCostPerMillionTokens: number | null;
  /** Work not done, GPU-hours at full speed (unfinished jobs plus unserved inference). */
  unservedWork: number;
  unservedTokens: number;
  lateJobs: number;
  /** Served share of inference demand (1 when there is none). */
  sloAttainment: number;
}

/** Monthly figures for charts and bills. */
export interface MonthKpis {
  month: string;
  itEnergyMWh: number;
  facilityEnergyMWh: number;
  pue: number | null;
  directGreenRatio: number;
  gridImportMWh: number;
  co2Tonnes: number;
  energyCost: number;
}

export interface SiteSummary extends Kpis {
  id: string;
  name: string;
  timeZone: string;
  /** PUE at the cooling design point; null for a site without IT. */
  designPue: number | null;
  installedItMW: number;
  /** Direct-green target of the site (share of facility energy), when it has one. */
  greenTarget?: number | null;
  months: MonthKpis[];
}

/** The summary written to summary.json and printed by --json. */
export interface Summary {
  /** Version of the summary format ({@link SUMMARY_SCHEMA_VERSION}; JSON Schema: `wattshift schema --summary`). */
  schemaVersion?: number;
  scenario: string;
  policy: string;
  /** Start and end as UTC instants (`…Z`) and as local ISO 8601 times with offset in `timeZone` (as typed). */
  horizon: { start: string; end: string; startLocal?: string; endLocal?: string; stepMinutes: number; steps: number; timeZone: string };
  currency: string;
  fleet: Kpis & { months: MonthKpis[] };
  sites: SiteSummary[];
  jobs: Array<Pick<WorkloadOutcome, 'id' | 'type' | 'requiredGpuHours' | 'doneGpuHours' | 'remainingGpuHours' | 'late' | 'tokens' | 'unservedTokens' | 'performance' | 'qosWeight'> & { qosFloor: number | null; finishedAt: string | null; /** `finishedAt` in the horizon's local time, with offset. */ finishedAtLocal?: string | null }>;
  qos: { weighted: number; jobs: Array<{ id: string; performance: number; floor: number | null; weight: number }> } | null;
  checks: { maxEnergyBalanceErrorKWh: number; corrections: string[] };
  /** Optimiser statistics (optimising policies only). */
  solver?: SummarySolver;
  /** Naive cost and CO2 minus this policy's (positive = this policy is better); set by `plan`. */
  savingsVsNaive?: { energyCost: number; co2Tonnes: number; totalCost: number };
  /** The saving against naive and against greedy, side by side, split by cause; set by `plan`. */
  savings?: { vsNaive: SavingsAgainst; vsGreedy: SavingsAgainst };
  notes: string[];
  warnings: string[];
  series: AlignReport[];
}

/**
 * The optimiser's statistics as the summary prints them: {@link SolverStats} with the solver's
 * name as `backend`, a non-finite objective as null, and money in the predicted bill rounded.
 */
export type SummarySolver = Omit<SolverStats, 'solver' | 'objective' | 'integerColumns' | 'predictedBill'> & {
  objective: number | null;
  backend: string;
  /** Binary columns (mixed-integer models only). */
  integerColumns: number;
  /** The bill the plan expected, per site and component (optimal plans), to compare with energyCostBreakdown. */
  predictedBill?: Array<Record<string, number | string>>;
};

/** Saving by cause, currency (positive = the plan is cheaper). They sum to `total`. */
export interface SavingCauses {
  /** Energy-line change from when and where load runs (and how much green supply it uses), battery and throttling aside. */
  energyShifting: number;
  /** The battery: its net discharge valued at each step's import price (or export price when the site exports), less the change in wear. */
  storage: number;
  /** Export credit gained (battery exports aside). */
  export: number;
  /** Maximum-demand and contracted-capacity lines. */
  demandCharges: number;
  /** IT energy saved by lower GPU power for the same work, grossed up by the base's PUE, at the base's average import price. */
  throttling: number;
  /** PUE adjustments, green certificates, renewable supply and carbon lines. */
  otherTariffLines: number;
}

/** A job that ran slower than in the base (lower average throughput fraction) yet did the same work on time. */
export interface SlowerOnTime {
  id: string;
  /** Average throughput fraction in the base and in the plan. */
  performanceBase: number;
  performance: number;
}

/** The plan against one base policy. */
export interface SavingsAgainst {
  /** The base policy's name (naive, greedy). */
  base: string;
  /** Operating cost (bill + storage wear) of the base and of the plan, currency. */
  baseOperatingCost: number;
  operatingCost: number;
  /** base − plan, currency, and as a percentage of the base. */
  total: number;
  totalPercent: number;
  byCause: SavingCauses;
  /** CO2 of grid imports, base − plan, tonnes. */
  co2Tonnes: number;
  /** Work done (GPU-hours at full speed) in the base and in the plan: a saving counts when they match. */
  doneGpuHoursBase: number;
  doneGpuHours: number;
  /** Jobs that ran slower but on time (QoS as throughput fraction fell, work done unchanged). */
  slowerOnTime: SlowerOnTime[];
}
