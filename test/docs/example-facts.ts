/**
 * The facts tables of docs/examples.md, generated from the example files themselves so the docs
 * cannot contradict them: horizon, sites (IT, cooling and design PUE, grid limits, renewables,
 * storage, tariff, data files), workloads and grid-program events. `npm run docs:examples`
 * rewrites the blocks between `<!-- facts: FILE -->` and `<!-- /facts -->`; a test checks the
 * docs equal what this prints.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readScenarioFile } from '../../src/scenario/source.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { horizonGrid } from '../../src/scenario/horizon.ts';
import type { Scenario } from '../../src/scenario/schema/index.ts';
import { horizonText } from '../../src/time/grid.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The docs page holding the facts blocks. */
export const EXAMPLES_DOC = `${ROOT}docs/examples.md`;

const fmt = (x: number, d = 2) => x.toLocaleString('en-US', { maximumFractionDigits: d });

function seriesText(ref: unknown): string {
  if (!ref || typeof ref !== 'object') return '—';
  const r = ref as Record<string, unknown>;
  if ('file' in r) return `\`${String(r.file)}\` (${String(r.format)}${r.column ? `, ${String(r.column)}` : ''}${r.shiftYears ? `, shifted ${String(r.shiftYears)} y` : ''})`;
  if ('constant' in r) return `constant ${String(r.constant)}${r.unit ? ` ${String(r.unit)}` : ''}`;
  if ('dailyProfile' in r) return 'daily profile';
  return '—';
}

function tariffText(t: Scenario['sites'][number]['tariff'], cur: string): string {
  const e = t.energy;
  const parts: string[] = [];
  if (e.type === 'spot') parts.push(`spot${e.adderPerMWh ? ` + ${fmt(e.adderPerMWh)} ${cur}/MWh` : ''}`);
  else if (e.type === 'flat') parts.push(`flat ${fmt(e.pricePerMWh)} ${cur}/MWh`);
  else {
    const p = e.pricesPerMWh as Record<string, number>;
    parts.push(`TOU ${Object.entries(p).map(([k, v]) => `${k} ${fmt(v)}`).join(' / ')} ${cur}/MWh`);
    if (e.adderPerMWh) parts.push(`+ ${fmt(e.adderPerMWh)} ${cur}/MWh`);
    if (e.criticalPeak) parts.push(`critical peak +${fmt(e.criticalPeak.upliftOverPeak * 100)} % over peak in months ${e.criticalPeak.months.join(',')}${e.criticalPeak.minDailyMaxTemperatureC !== undefined ? ` on days ≥ ${e.criticalPeak.minDailyMaxTemperatureC} °C` : ''}`);
  }
  if (t.demandChargePerKWMonth) parts.push(`demand ${fmt(t.demandChargePerKWMonth)} ${cur}/kW-month`);
  for (const d of t.demandCharges) {
    const rate = d.tiers ? `${d.tiers.length} blocks` : Array.isArray(d.ratePerKWMonth) ? 'monthly rates' : `${fmt(Number(d.ratePerKWMonth ?? 0))} ${cur}/kW-month`;
    const rules = [d.windows.length ? 'in its hours' : '', d.coincident ? 'at system peaks' : '', d.ratchet ? 'ratchet' : ''].filter(Boolean);
    parts.push(`${d.name} ${rate}${rules.length ? ` (${rules.join(', ')})` : ''}`);
  }
  if (t.capacityChargePerKVAMonth) parts.push(`capacity ${fmt(t.capacityChargePerKVAMonth)} ${cur}/kVA-month`);
  if (t.twoPart) parts.push(`two-part: ${fmt(t.twoPart.capacityRatePerKVAMonth)} ${cur}/kVA-month or ${fmt(t.twoPart.demandRatePerKWMonth)} ${cur}/kW-month (${t.twoPart.basis})`);
  if (t.fixedChargePerMonth) parts.push(`fixed ${fmt(t.fixedChargePerMonth)} ${cur}/month`);
  if (t.fixedChargePerDay) parts.push(`fixed ${fmt(t.fixedChargePerDay)} ${cur}/day`);
  if (t.minimumChargePerMonth) parts.push(`minimum ${fmt(t.minimumChargePerMonth)} ${cur}/month`);
  const x = t.export;
  if (x.type === 'spot') parts.push(`export at spot${x.multiplier !== 1 ? ` × ${x.multiplier}` : ''}`);
  else if (x.type === 'flat') parts.push(`export at ${fmt(x.pricePerMWh)} ${cur}/MWh`);
  if (t.pueAdjustment) parts.push(`PUE rule: ${t.pueAdjustment.period} PUE > ${t.pueAdjustment.limit}: ${t.pueAdjustment.tiers.map((x) => `+${x.surchargePerMWh}`).join(' / ')} ${cur}/MWh (${t.pueAdjustment.basis})`);
  if (t.greenCertificates) parts.push(`green certificates ${fmt(t.greenCertificates.pricePerMWh)} ${cur}/MWh to ${fmt(t.greenCertificates.targetGreenShare * 100)} %`);
  if (t.carbonPricePerTonne) parts.push(`carbon ${fmt(t.carbonPricePerTonne)} ${cur}/t`);
  return parts.join('; ');
}

function row(cells: string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

/** The generated facts of one example file, as Markdown. */
export function exampleFacts(file: string): string {
  const s = validateScenario(readScenarioFile(`${ROOT}examples/${file}`));
  const grid = horizonGrid(s.horizon);
  const cur = s.currency;
  const out: string[] = [];
  out.push(`Generated from \`examples/${file}\` (\`npm run docs:examples\`); a test keeps this block equal to the file.`, '');
  out.push(`- horizon: ${horizonText(grid)}, ${grid.stepMinutes}-minute steps (${fmt(grid.steps, 0)} steps); currency ${cur}`);
  out.push('');
  out.push(row(['site', 'IT', 'cooling', 'facility', 'grid', 'renewables', 'storage', 'tariff', 'series']));
  out.push(row(Array(9).fill('---')));
  for (const site of s.sites) {
    const c = site.facility.cooling;
    const cooling = `${c.archetype}${c.heatRejection ? ` (${c.heatRejection})` : ''}, design PUE ${c.designPUE ?? 'archetype default'} at ${c.designOutdoorC} °C, ${c.designRelativeHumidity} % RH`;
    const f = site.facility;
    const facility = `UPS ${fmt(f.upsEfficiency * 100)} %, distribution ${fmt(f.distributionLossFraction * 100)} %, fixed ${fmt(f.fixedOverheadKW)} kW`;
    const g = site.grid;
    const gridText = `import ≤ ${fmt(g.importLimitMW)} MW, export ≤ ${fmt(g.exportLimitMW)} MW${g.contractedCapacityKVA ? `, ${fmt(g.contractedCapacityKVA, 0)} kVA contracted` : ''}`;
    const re = site.renewables.map((r) => `${r.id}: ${fmt(r.capacityMW)} MW ${r.type}${r.pricePerMWh ? ` at ${fmt(r.pricePerMWh)} ${cur}/MWh` : ''}`).join('; ') || '—';
    const st = site.storage ? `${fmt(site.storage.energyMWh)} MWh / ${fmt(site.storage.powerMW)} MW, ${fmt(site.storage.chargeEfficiency * 100)} % / ${fmt(site.storage.dischargeEfficiency * 100)} %, wear ${fmt(site.storage.degradationCostPerMWh)} ${cur}/MWh` : '—';
    const series = Object.entries(site.series ?? {}).map(([k, v]) => `${k}: ${seriesText(v)}`).join('; ') || '—';
    out.push(row([`${site.id} (${site.timeZone ?? s.horizon.timeZone})`, site.it.map((x) => `${fmt(x.gpus, 0)} × ${x.accelerator}`).join(', '), cooling, facility, gridText, re, st, tariffText(site.tariff, cur), series]));
  }
  out.push('');
  out.push(row(['workload', 'type', 'sites', 'work', 'GPUs', 'window (as written)', 'QoS floor']));
  out.push(row(Array(7).fill('---')));
  for (const w of s.workloads) {
    if (w.type === 'inference') {
      out.push(row([w.id, 'inference', w.sites.join(', '), `demand ${seriesText(w.demandTokensPerSecond)}${w.tokensPerSecondPerGpu ? `, ${fmt(w.tokensPerSecondPerGpu)} tok/s per GPU` : ''}`, '—', '—', '—']));
      continue;
    }
    const work = w.type === 'training' ? `${fmt(w.workGpuHours, 0)} GPU-h` : `${w.tokens.toExponential(2)} tokens`;
    const gpus = `${w.gpus.min !== undefined ? `${fmt(w.gpus.min, 0)}–` : ''}${fmt(w.gpus.max, 0)}`;
    const window = `${w.release ?? 'start'} → ${w.deadline ?? 'end'}${w.continuous ? ' (continuous)' : ''}`;
    out.push(row([w.id, w.type, w.sites.join(', '), work, gpus, window, w.qosFloor === undefined ? '—' : String(w.qosFloor)]));
  }
  const programs = s.gridPrograms?.programs ?? [];
  if (programs.length > 0) {
    out.push('');
    out.push(row(['program', 'kind', 'baseline', 'interval', 'pay', 'events']));
    out.push(row(Array(6).fill('---')));
    for (const p of programs) {
      const baseline = typeof p.baseline === 'string' ? p.baseline : `${p.baseline.method}${'meterBeforeHours' in p.baseline && p.baseline.meterBeforeHours !== undefined ? ` (${p.baseline.meterBeforeHours} h)` : ''}`;
      const sched = p.events.schedule.map((e) => `${e.start}${e.end ? `–${e.end}` : ` for ${e.durationHours} h`}${e.targetPercent !== undefined ? `, ${e.targetPercent} %` : e.targetMW !== undefined ? `, ${e.targetMW} MW` : ''}`);
      const gen = p.events.generate ? [`top ${p.events.generate.count} ${p.events.generate.per === 'day' ? 'days' : 'blocks'} of ${p.events.generate.signal}, ${p.events.generate.durationHours} h`] : [];
      out.push(row([p.id, p.kind, baseline, `${p.measurementIntervalMinutes} min`, `${fmt(p.energyPayPerMWh)} ${cur}/MWh${p.capacityPayPerKWMonth ? `, ${fmt(p.capacityPayPerKWMonth)} ${cur}/kW-month` : ''}`, [...sched, ...gen].join('; ') || '—']));
    }
  }
  return out.join('\n');
}

const BLOCK = /<!-- facts: ([\w.-]+) -->\n[\s\S]*?<!-- \/facts -->/g;

/** docs/examples.md with every facts block regenerated. */
export function regeneratedDoc(text = readFileSync(EXAMPLES_DOC, 'utf8')): string {
  return text.replace(BLOCK, (_, file: string) => `<!-- facts: ${file} -->\n${exampleFacts(file)}\n<!-- /facts -->`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(EXAMPLES_DOC, regeneratedDoc());
  console.log(`rewrote the facts blocks of ${EXAMPLES_DOC}`);
}
