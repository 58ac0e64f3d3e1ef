/** Side-by-side figures of several policies run on the same scenario and judged by the same simulator. */
import type { Summary } from './summary.ts';

/** One policy's line in a comparison. */
export interface ComparisonRow {
  policy: string;
  energyCost: number;
  /** Bill plus storage wear: what the operator pays to run the plan. */
  operatingCost: number;
  co2Tonnes: number;
  directGreenRatio: number;
  renewableShare: number;
  /** Null when there is no IT energy. */
  pue: number | null;
  peakImportMW: number;
  /** Weighted QoS of jobs with floors (null when none has one). */
  qosWeighted: number | null;
  unservedWork: number;
  lateJobs: number;
  tokensPerJouleFacility: number | null;
  /** Wall-clock seconds to plan and simulate. */
  runSeconds: number;
  /** Operating-cost saving against the first row (usually naive), currency and percent. */
  savingVsFirst: number;
  savingVsFirstPercent: number;
}

/** Builds the comparison rows; savings are measured against the first summary. */
export function comparePolicies(runs: Array<{ summary: Summary; runSeconds: number }>): ComparisonRow[] {
  const op = (s: Summary) => s.fleet.energyCost + s.fleet.storageDegradationCost;
  const base = runs[0] ? op(runs[0].summary) : 0;
  return runs.map(({ summary: s, runSeconds }) => ({
    policy: s.policy,
    energyCost: s.fleet.energyCost,
    operatingCost: Math.round(op(s) * 100) / 100,
    co2Tonnes: s.fleet.co2Tonnes,
    directGreenRatio: s.fleet.directGreenRatio,
    renewableShare: s.fleet.renewableShare,
    pue: s.fleet.pue,
    peakImportMW: s.fleet.peakImportMW,
    qosWeighted: s.qos?.weighted ?? null,
    unservedWork: s.fleet.unservedWork,
    lateJobs: s.fleet.lateJobs,
    tokensPerJouleFacility: s.fleet.tokensPerJouleFacility,
    runSeconds: Math.round(runSeconds * 100) / 100,
    savingVsFirst: Math.round((base - op(s)) * 100) / 100,
    savingVsFirstPercent: base !== 0 ? Math.round(((base - op(s)) / Math.abs(base)) * 10000) / 100 : 0,
  }));
}

/** The comparison as CSV (one row per policy, units in the header). */
export function comparisonCsv(rows: ComparisonRow[], currency: string): string {
  const head = ['policy', `energy_cost_${currency}`, `operating_cost_${currency}`, 'co2_t', 'direct_green_ratio', 'renewable_share', 'pue', 'peak_import_MW', 'qos_weighted', 'unserved_gpu_h', 'late_jobs', 'tokens_per_J_facility', 'run_s', `saving_vs_first_${currency}`, 'saving_vs_first_pct'];
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = rows.map((r) =>
    [q(r.policy), r.energyCost, r.operatingCost, r.co2Tonnes, r.directGreenRatio, r.renewableShare, r.pue, r.peakImportMW, r.qosWeighted ?? '', r.unservedWork, r.lateJobs, r.tokensPerJouleFacility ?? '', r.runSeconds, r.savingVsFirst, r.savingVsFirstPercent].join(','),
  );
  return `${[head.join(','), ...lines].join('\n')}\n`;
}
