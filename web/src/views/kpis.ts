/** The KPI table of a run: the fleet and each site side by side, every row with its unit. */
import { h } from '../dom.ts';
import { formatNumber, percent } from '../format.ts';
import type { Kpis, Summary } from '../types.ts';

/** A KPI row: label, unit, and how to show it. */
export interface KpiDef {
  key: keyof Kpis;
  label: string;
  unit: (currency: string) => string;
  show: (v: number | null) => string;
}

const n = (d: number, min = 0) => (v: number | null) => formatNumber(v, d, min);
const pct = (v: number | null) => percent(v);

/** The KPIs shown, in order. */
export const KPI_DEFS: KpiDef[] = [
  { key: 'pue', label: 'PUE (facility ÷ IT energy)', unit: () => '', show: n(3, 3) },
  { key: 'directGreenRatio', label: 'Direct green ratio', unit: () => '%', show: pct },
  { key: 'renewableShare', label: 'Renewable share (direct + grid)', unit: () => '%', show: pct },
  { key: 'energyCost', label: 'Electricity cost', unit: (c) => c, show: n(0) },
  { key: 'energyCostPerMillionTokens', label: 'Electricity cost per million tokens', unit: (c) => c, show: n(4) },
  { key: 'tokensPerJouleIT', label: 'Tokens per joule of IT energy', unit: () => 'tokens/J', show: n(4) },
  { key: 'tokensPerJouleFacility', label: 'Tokens per joule of facility energy', unit: () => 'tokens/J', show: n(4) },
  { key: 'co2Tonnes', label: 'CO₂ from grid imports', unit: () => 't', show: n(1) },
  { key: 'facilityEnergyMWh', label: 'Facility energy', unit: () => 'MWh', show: n(1) },
  { key: 'itEnergyMWh', label: 'IT energy', unit: () => 'MWh', show: n(1) },
  { key: 'coolingEnergyMWh', label: 'Cooling energy', unit: () => 'MWh', show: n(1) },
  { key: 'gridImportMWh', label: 'Grid import', unit: () => 'MWh', show: n(1) },
  { key: 'gridExportMWh', label: 'Grid export', unit: () => 'MWh', show: n(1) },
  { key: 'peakImportMW', label: 'Peak grid import', unit: () => 'MW', show: n(2) },
  { key: 'renewableCurtailedMWh', label: 'Renewables curtailed', unit: () => 'MWh', show: n(1) },
  { key: 'storageThroughputMWh', label: 'Storage throughput', unit: () => 'MWh', show: n(1) },
  { key: 'tokens', label: 'Tokens served', unit: () => 'billion', show: (v) => formatNumber(v === null ? null : v / 1e9, 2) },
  { key: 'sloAttainment', label: 'Inference SLO attainment', unit: () => '%', show: (v) => percent(v, 2) },
  { key: 'unservedWork', label: 'Unserved work', unit: () => 'GPU-h', show: n(1) },
  { key: 'lateJobs', label: 'Late jobs', unit: () => 'jobs', show: n(0) },
];

/** The KPI table: a row per KPI, a column for the fleet and one per site. */
export function kpiTable(s: Summary): HTMLElement {
  const cols = [{ name: 'Fleet', k: s.fleet as Kpis }, ...s.sites.map((x) => ({ name: x.name, k: x as Kpis }))];
  const showCols = s.sites.length === 1 ? cols.slice(1) : cols;
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'data kpis', id: 'kpi-table' },
      h('caption', null, `KPIs over the horizon ${s.horizon.start} – ${s.horizon.end} (UTC), ${s.policy} policy`),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'KPI'), h('th', { scope: 'col' }, 'Unit'), showCols.map((c) => h('th', { scope: 'col', class: 'num' }, c.name)))),
      h(
        'tbody',
        null,
        KPI_DEFS.map((d) =>
          h('tr', { 'data-kpi': d.key }, h('th', { scope: 'row' }, d.label), h('td', { class: 'unit' }, d.unit(s.currency)), showCols.map((c) => {
            const v = c.k[d.key];
            return h('td', { class: 'num' }, d.show(typeof v === 'number' ? v : null));
          })),
        ),
      ),
    ),
  );
}

/** Jobs and their quality of service. */
export function jobsTable(s: Summary): HTMLElement | null {
  if (!s.jobs?.length) return null;
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'data' },
      h('caption', null, `Workloads${s.qos ? `: weighted QoS ${formatNumber(s.qos.weighted, 3)}` : ''}`),
      h('thead', null, h('tr', null, ['Workload', 'Type', 'Work done (GPU-h)', 'Required (GPU-h)', 'Performance', 'QoS floor', 'Finished (UTC)', 'Late'].map((t, i) => h('th', { scope: 'col', class: i >= 2 && i <= 5 ? 'num' : null }, t)))),
      h(
        'tbody',
        null,
        s.jobs.map((j) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, j.id),
            h('td', null, j.type),
            h('td', { class: 'num' }, formatNumber(j.doneGpuHours, 0)),
            h('td', { class: 'num' }, j.type === 'inference' ? '—' : formatNumber(j.requiredGpuHours, 0)),
            h('td', { class: 'num' }, formatNumber(j.performance, 3)),
            h('td', { class: 'num' }, j.qosFloor === null ? '—' : formatNumber(j.qosFloor, 2)),
            h('td', null, j.finishedAt ?? '—'),
            h('td', null, j.late ? 'late' : ''),
          ),
        ),
      ),
    ),
  );
}
