/**
 * The key figures of a site or the fleet as table rows, with units, grouped the way an
 * energy manager reads them: energy by use, efficiency, green supply, cost, work.
 */
import type { Kpis } from '../metrics/summary.ts';
import { countScale } from './format.ts';
import type { KpiRow } from './html.ts';

/** Extra figures only sites have. */
export interface SiteExtras {
  designPue?: number | null;
  installedItMW?: number;
}

const pct = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x * 100);

/** Parts of the bill shown even when zero; the others are left out when zero for every subject. */
const ALWAYS_SHOWN = new Set(['cost.energy', 'cost.demand']);

/** Key-figure rows for one or more subjects (one value column each), in report order. */
export function kpiRows(subjects: Array<Kpis & SiteExtras>, currency: string): KpiRow[] {
  return allKpiRows(subjects, currency).filter((r) => {
    if ('group' in r || !r.key?.startsWith('cost.') || ALWAYS_SHOWN.has(r.key)) return true;
    const values = Array.isArray(r.value) ? r.value : [r.value];
    return values.some((v) => typeof v === 'number' && Math.abs(v) >= 0.005);
  });
}

function allKpiRows(subjects: Array<Kpis & SiteExtras>, currency: string): KpiRow[] {
  const col = <T>(f: (k: Kpis & SiteExtras) => T): T[] => subjects.map(f);
  const hasSiteFields = subjects.some((s) => s.designPue !== undefined);
  const b = (k: keyof Kpis['energyCostBreakdown']) => col((s) => s.energyCostBreakdown[k]);
  // token counts reach 10^15 a year: shown in thousand/million/… tokens so columns stay narrow
  const tok = countScale(Math.max(0, ...subjects.map((s) => Math.abs(s.tokens))));
  const unserved = countScale(Math.max(0, ...subjects.map((s) => Math.abs(s.unservedTokens))));
  const tokUnit = (sc: { word: string }) => (sc.word ? `${sc.word} tokens` : 'tokens');
  return [
    { group: 'Energy by use' },
    { key: 'itEnergyMWh', label: 'IT', value: col((s) => s.itEnergyMWh), unit: 'MWh', decimals: 1 },
    { key: 'coolingEnergyMWh', label: 'Cooling', value: col((s) => s.coolingEnergyMWh), unit: 'MWh', decimals: 1 },
    { key: 'lossesEnergyMWh', label: 'UPS and distribution losses', value: col((s) => s.lossesEnergyMWh), unit: 'MWh', decimals: 1 },
    { key: 'fixedEnergyMWh', label: 'Fixed loads', value: col((s) => s.fixedEnergyMWh), unit: 'MWh', decimals: 1 },
    { key: 'facilityEnergyMWh', label: 'Facility total', value: col((s) => s.facilityEnergyMWh), unit: 'MWh', decimals: 1 },
    { key: 'gridImportMWh', label: 'Grid import', value: col((s) => s.gridImportMWh), unit: 'MWh', decimals: 1 },
    { key: 'gridExportMWh', label: 'Grid export', value: col((s) => s.gridExportMWh), unit: 'MWh', decimals: 1 },
    { key: 'storageThroughputMWh', label: 'Storage discharge', value: col((s) => s.storageThroughputMWh), unit: 'MWh', decimals: 1 },
    { group: 'Efficiency' },
    { key: 'pue', label: 'PUE', value: col((s) => s.pue), unit: '—', decimals: 3, note: 'facility ÷ IT energy' },
    ...(hasSiteFields ? [{ key: 'designPue', label: 'Design PUE', value: col((s) => s.designPue ?? null), unit: '—', decimals: 3 } satisfies KpiRow] : []),
    ...(hasSiteFields ? [{ key: 'installedItMW', label: 'Installed IT capacity', value: col((s) => s.installedItMW ?? null), unit: 'MW', decimals: 2 } satisfies KpiRow] : []),
    { key: 'peakImportMW', label: 'Peak grid import', value: col((s) => s.peakImportMW), unit: 'MW', decimals: 3 },
    { key: 'tokensPerJouleIT', label: 'Tokens per joule, IT', value: col((s) => s.tokensPerJouleIT), unit: 'tokens/J', decimals: 3 },
    { key: 'tokensPerJouleFacility', label: 'Tokens per joule, facility', value: col((s) => s.tokensPerJouleFacility), unit: 'tokens/J', decimals: 3 },
    { group: 'Green supply and carbon' },
    { key: 'directGreenRatio', label: 'Direct green ratio', value: col((s) => pct(s.directGreenRatio)), unit: '%', decimals: 1, note: 'direct renewables ÷ facility energy' },
    { key: 'renewableShare', label: 'Renewable share incl. grid mix', value: col((s) => pct(s.renewableShare)), unit: '%', decimals: 1 },
    { key: 'directGreenMWh', label: 'Direct green energy', value: col((s) => s.directGreenMWh), unit: 'MWh', decimals: 1 },
    { key: 'renewableAvailableMWh', label: 'Renewables available', value: col((s) => s.renewableAvailableMWh), unit: 'MWh', decimals: 1 },
    { key: 'renewableCurtailedMWh', label: 'Renewables curtailed', value: col((s) => s.renewableCurtailedMWh), unit: 'MWh', decimals: 1 },
    { key: 'co2Tonnes', label: 'CO₂ of grid imports (location-based)', value: col((s) => s.co2Tonnes), unit: 't', decimals: 1 },
    { group: 'Cost' },
    { key: 'energyCost', label: 'Electricity cost', value: col((s) => s.energyCost), unit: currency, decimals: 0 },
    { key: 'cost.energy', label: 'Energy', value: b('energy'), unit: currency, decimals: 0, indent: true },
    { key: 'cost.demand', label: 'Maximum demand', value: b('demand'), unit: currency, decimals: 0, indent: true },
    { key: 'cost.capacity', label: 'Contracted capacity', value: b('capacity'), unit: currency, decimals: 0, indent: true },
    { key: 'cost.exportCredit', label: 'Export credit', value: b('exportCredit'), unit: currency, decimals: 0, indent: true },
    { key: 'cost.pueAdjustment', label: 'PUE surcharge or discount', value: b('pueAdjustment'), unit: currency, decimals: 0, indent: true },
    { key: 'cost.certificates', label: 'Green certificates', value: b('certificates'), unit: currency, decimals: 0, indent: true },
    { key: 'cost.renewableSupply', label: 'Direct renewable supply', value: b('renewableSupply'), unit: currency, decimals: 0, indent: true },
    { key: 'cost.carbon', label: 'Carbon price', value: b('carbon'), unit: currency, decimals: 0, indent: true },
    { key: 'storageDegradationCost', label: 'Storage degradation', value: col((s) => s.storageDegradationCost), unit: currency, decimals: 0, note: 'not part of the bill' },
    { key: 'energyCostPerMillionTokens', label: 'Electricity cost per million tokens', value: col((s) => s.energyCostPerMillionTokens), unit: `${currency}/Mtoken`, decimals: 4 },
    { group: 'Work and service' },
    { key: 'tokens', label: 'Tokens produced', value: col((s) => s.tokens / tok.factor), unit: tokUnit(tok), decimals: tok.factor > 1 ? 2 : 0 },
    { key: 'unservedWork', label: 'Unserved work', value: col((s) => s.unservedWork), unit: 'GPU-h', decimals: 1, note: 'unfinished jobs and unserved inference' },
    { key: 'unservedTokens', label: 'Unserved inference tokens', value: col((s) => s.unservedTokens / unserved.factor), unit: tokUnit(unserved), decimals: unserved.factor > 1 ? 2 : 0 },
    { key: 'lateJobs', label: 'Late jobs', value: col((s) => s.lateJobs), unit: 'jobs', decimals: 0 },
    { key: 'sloAttainment', label: 'Inference SLO attainment', value: col((s) => pct(s.sloAttainment)), unit: '%', decimals: 2, note: 'served share of demand' },
    { key: 'shortfallMWh', label: 'Unsupplied load (shortfall)', value: col((s) => s.shortfallMWh), unit: 'MWh', decimals: 3 },
  ];
}
