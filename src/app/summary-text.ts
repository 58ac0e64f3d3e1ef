/** The human-readable summary printed by `simulate` and `plan`. */
import type { Summary } from '../metrics/summary.ts';
import { num, pct, table } from './text-format.ts';

/** A local ISO time as typed: `2023-01-01 00:00` (the zone is named beside it). */
function local(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

/** Fleet and per-site KPIs as text tables. */
export function summaryText(s: Summary): string {
  const cur = s.currency;
  const rows: string[][] = [
    ['', 'IT MWh', 'facility MWh', 'PUE', 'grid MWh', 'direct green', 'renewable', 'CO2 t', `cost ${cur}`, 'peak MW', 'tokens/J (IT)', `${cur}/M tok`, 'unserved GPU-h', 'late'],
  ];
  for (const x of [...s.sites.map((site) => ({ label: site.id, k: site })), { label: 'fleet', k: s.fleet }]) {
    const k = x.k;
    rows.push([
      x.label,
      num(k.itEnergyMWh, 0),
      num(k.facilityEnergyMWh, 0),
      num(k.pue, 3),
      num(k.gridImportMWh, 0),
      pct(k.directGreenRatio),
      pct(k.renewableShare),
      num(k.co2Tonnes, 0),
      num(k.energyCost, 0),
      num(k.peakImportMW, 1),
      num(k.tokensPerJouleIT, 2),
      num(k.energyCostPerMillionTokens, 4),
      num(k.unservedWork, 0),
      String(k.lateJobs),
    ]);
  }
  const lines = [
    `${s.scenario} — policy ${s.policy}, ${s.horizon.steps} steps of ${s.horizon.stepMinutes} min from ${local(s.horizon.startLocal ?? s.horizon.start)} to ${local(s.horizon.endLocal ?? s.horizon.end)} (${s.horizon.timeZone})`,
    '',
    table(rows),
  ];
  if (s.qos) lines.push('', `QoS (weighted average throughput fraction): ${s.qos.weighted.toFixed(4)}`);
  const late = s.jobs.filter((j) => j.late);
  if (late.length) lines.push('', `late or unfinished: ${late.map((j) => (j.finishedAtLocal ? `${j.id} (finished ${local(j.finishedAtLocal)})` : `${j.id} (${num(j.remainingGpuHours, 0)} GPU-h left)`)).join(', ')}`);
  lines.push('', `energy balance: max error ${s.checks.maxEnergyBalanceErrorKWh.toExponential(2)} kWh per step`);
  if (s.checks.corrections.length) lines.push('simulator corrections:', ...s.checks.corrections.map((c) => `  ${c}`));
  if (s.warnings.length) lines.push('warnings:', ...s.warnings.map((w) => `  ${w}`));
  return `${lines.join('\n')}\n`;
}
