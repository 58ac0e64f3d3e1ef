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
  // a small site (a building, a server room) is shown in kWh and kW, not rounded to 0 MWh
  const small = Math.max(s.fleet.gridImportMWh, s.fleet.facilityEnergyMWh + s.fleet.siteLoadEnergyMWh) < 10;
  const [eu, ef, ed] = small ? ['kWh', 1000, 1] : ['MWh', 1, 0];
  const [pu, pf, pd] = s.fleet.peakImportMW < 1 ? ['kW', 1000, 3] : ['MW', 1, 1];
  const rows: string[][] = [
    ['', `IT ${eu}`, `facility ${eu}`, 'PUE', `grid ${eu}`, 'direct green', 'renewable', 'CO2 t', `cost ${cur}`, `peak ${pu}`, 'tokens/J (IT)', `${cur}/M tok`, 'unserved GPU-h', 'late'],
  ];
  for (const x of [...s.sites.map((site) => ({ label: site.id, k: site })), { label: 'fleet', k: s.fleet }]) {
    const k = x.k;
    rows.push([
      x.label,
      num(k.itEnergyMWh * ef, ed),
      num(k.facilityEnergyMWh * ef, ed),
      num(k.pue, 3),
      num(k.gridImportMWh * ef, ed),
      pct(k.directGreenRatio),
      pct(k.renewableShare),
      num(k.co2Tonnes, small ? 3 : 0),
      num(k.energyCost, small ? 2 : 0),
      num(k.peakImportMW * pf, pd),
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
