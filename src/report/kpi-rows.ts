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
  // small sites (a building, a server room) read in kWh and kW rather than rounding to 0.0 MWh
  const small = Math.max(0, ...subjects.map((s) => Math.max(s.gridImportMWh, s.facilityEnergyMWh + s.siteLoadEnergyMWh, s.gridExportMWh))) < 10;
  const E = small ? { unit: 'kWh', f: 1000, decimals: 1 } : { unit: 'MWh', f: 1, decimals: 1 };
  const energy = (key: string, label: string, get: (s: Kpis & SiteExtras) => number): KpiRow => ({ key, label, value: col((s) => get(s) * E.f), unit: E.unit, decimals: E.decimals });
  const smallPeak = Math.max(0, ...subjects.map((s) => s.peakImportMW)) < 1;
  const money = small ? 2 : 0;
  return [
    { group: 'Energy by use' },
    energy('itEnergyMWh', 'IT', (s) => s.itEnergyMWh),
    energy('coolingEnergyMWh', 'Cooling', (s) => s.coolingEnergyMWh),
    energy('lossesEnergyMWh', 'UPS and distribution losses', (s) => s.lossesEnergyMWh),
    energy('fixedEnergyMWh', 'Fixed loads', (s) => s.fixedEnergyMWh),
    energy('facilityEnergyMWh', 'Facility total', (s) => s.facilityEnergyMWh),
    ...(subjects.some((s) => s.siteLoadEnergyMWh > 0) ? [energy('siteLoadEnergyMWh', 'Other loads behind the meter', (s) => s.siteLoadEnergyMWh)] : []),
    energy('gridImportMWh', 'Grid import', (s) => s.gridImportMWh),
    energy('gridExportMWh', 'Grid export', (s) => s.gridExportMWh),
    energy('storageThroughputMWh', 'Storage discharge', (s) => s.storageThroughputMWh),
    ...(subjects.some((s) => s.generatorEnergyMWh > 0) ? [energy('generatorEnergyMWh', 'Backup generation', (s) => s.generatorEnergyMWh)] : []),
    { group: 'Efficiency' },
    { key: 'pue', label: 'PUE', value: col((s) => s.pue), unit: '—', decimals: 3, note: 'facility ÷ IT energy' },
    ...(hasSiteFields ? [{ key: 'designPue', label: 'Design PUE', value: col((s) => s.designPue ?? null), unit: '—', decimals: 3 } satisfies KpiRow] : []),
    ...(hasSiteFields ? [{ key: 'installedItMW', label: 'Installed IT capacity', value: col((s) => s.installedItMW ?? null), unit: 'MW', decimals: 2 } satisfies KpiRow] : []),
    smallPeak
      ? { key: 'peakImportMW', label: 'Peak grid import', value: col((s) => s.peakImportMW * 1000), unit: 'kW', decimals: 3 }
      : { key: 'peakImportMW', label: 'Peak grid import', value: col((s) => s.peakImportMW), unit: 'MW', decimals: 3 },
    { key: 'tokensPerJouleIT', label: 'Tokens per joule, IT', value: col((s) => s.tokensPerJouleIT), unit: 'tokens/J', decimals: 3 },
    { key: 'tokensPerJouleFacility', label: 'Tokens per joule, facility', value: col((s) => s.tokensPerJouleFacility), unit: 'tokens/J', decimals: 3 },
    { group: 'Green supply and carbon' },
    { key: 'directGreenRatio', label: 'Direct green ratio', value: col((s) => pct(s.directGreenRatio)), unit: '%', decimals: 1, note: 'direct renewables ÷ facility energy' },
    { key: 'renewableShare', label: 'Renewable share incl. grid mix', value: col((s) => pct(s.renewableShare)), unit: '%', decimals: 1 },
    energy('directGreenMWh', 'Direct green energy', (s) => s.directGreenMWh),
    energy('renewableAvailableMWh', 'Renewables available', (s) => s.renewableAvailableMWh),
    energy('renewableCurtailedMWh', 'Renewables curtailed', (s) => s.renewableCurtailedMWh),
    { key: 'co2Tonnes', label: 'CO₂ of grid imports (location-based) and generators', value: col((s) => s.co2Tonnes), unit: 't', decimals: small ? 3 : 1 },
    ...(subjects.some((s) => s.generatorCo2Tonnes > 0) ? [{ key: 'generatorCo2Tonnes', label: 'of which backup generators', value: col((s) => s.generatorCo2Tonnes), unit: 't', decimals: small ? 3 : 1, indent: true } satisfies KpiRow] : []),
    { group: 'Cost' },
    { key: 'energyCost', label: 'Electricity cost', value: col((s) => s.energyCost), unit: currency, decimals: money },
    { key: 'cost.energy', label: 'Energy', value: b('energy'), unit: currency, decimals: money, indent: true },
    { key: 'cost.demand', label: 'Maximum demand', value: b('demand'), unit: currency, decimals: money, indent: true },
    { key: 'cost.capacity', label: 'Contracted capacity', value: b('capacity'), unit: currency, decimals: money, indent: true },
    { key: 'cost.fixed', label: 'Fixed charges', value: b('fixed'), unit: currency, decimals: money, indent: true },
    { key: 'cost.minimum', label: 'Minimum charge top-up', value: b('minimum'), unit: currency, decimals: money, indent: true },
    { key: 'cost.exportCredit', label: 'Export credit', value: b('exportCredit'), unit: currency, decimals: money, indent: true },
    { key: 'cost.pueAdjustment', label: 'PUE surcharge or discount', value: b('pueAdjustment'), unit: currency, decimals: money, indent: true },
    { key: 'cost.certificates', label: 'Green certificates', value: b('certificates'), unit: currency, decimals: money, indent: true },
    { key: 'cost.renewableSupply', label: 'Direct renewable supply', value: b('renewableSupply'), unit: currency, decimals: money, indent: true },
    { key: 'cost.carbon', label: 'Carbon price', value: b('carbon'), unit: currency, decimals: money, indent: true },
    { key: 'cost.generation', label: 'Backup generation (fuel, operation)', value: b('generation'), unit: currency, decimals: money, indent: true },
    { key: 'storageDegradationCost', label: 'Storage degradation', value: col((s) => s.storageDegradationCost), unit: currency, decimals: money, note: 'not part of the bill' },
    { key: 'energyCostPerMillionTokens', label: 'Electricity cost per million tokens', value: col((s) => s.energyCostPerMillionTokens), unit: `${currency}/Mtoken`, decimals: 4 },
    { group: 'Work and service' },
    { key: 'tokens', label: 'Tokens produced', value: col((s) => s.tokens / tok.factor), unit: tokUnit(tok), decimals: tok.factor > 1 ? 2 : 0 },
    { key: 'unservedWork', label: 'Unserved work', value: col((s) => s.unservedWork), unit: 'GPU-h', decimals: 1, note: 'unfinished jobs and unserved inference' },
    { key: 'unservedTokens', label: 'Unserved inference tokens', value: col((s) => s.unservedTokens / unserved.factor), unit: tokUnit(unserved), decimals: unserved.factor > 1 ? 2 : 0 },
    { key: 'lateJobs', label: 'Late jobs', value: col((s) => s.lateJobs), unit: 'jobs', decimals: 0 },
    { key: 'sloAttainment', label: 'Inference SLO attainment', value: col((s) => pct(s.sloAttainment)), unit: '%', decimals: 2, note: 'served share of demand' },
    { key: 'shortfallMWh', label: 'Unsupplied load (shortfall)', value: col((s) => s.shortfallMWh * E.f), unit: E.unit, decimals: 3 },
  ];
}
