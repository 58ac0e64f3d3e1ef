/**
 * `wattshift flex FILE`: the flexibility envelope of every site and of the fleet for one local
 * day: the largest reduction (and increase) of grid import each can hold from each hour for
 * each duration without breaking SLOs or QoS floors, and what it costs.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors/index.ts';
import { summarise } from '../../metrics/summary.ts';
import { buildModel, loadScenario, plan, simulate } from '../../pipeline.ts';
import { policyNames } from '../../plan/policies.ts';
import { flexibilityEnvelope, type Envelope } from '../../programs/envelope.ts';
import { flexContext } from '../../programs/levers.ts';
import { envelopeCsv, envelopeJson, envelopeSection, isoLocal } from '../../programs/report.ts';
import { renderReportHtml, writeOutputs } from '../../report/index.ts';
import { calendarOf } from '../../time/grid.ts';
import { num, table } from '../format.ts';
import type { Io } from '../io.ts';
import { progressBar } from '../progress.ts';

interface FlexOptions {
  day?: string;
  durations: string;
  policy: string;
  out?: string;
  json?: boolean;
}

/** Sites printed hour by hour; larger fleets get one summary row per site. */
const MAX_SITE_TABLES = 8;

/** Parses `1,2,3,4` into hours, each a whole number of steps and at most 24. */
export function parseDurations(text: string, stepMinutes: number): number[] {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  const out = parts.map((p) => Number(p));
  const bad = parts.find((p, i) => !(out[i]! > 0 && out[i]! <= 24 && Math.abs(Math.round((out[i]! * 60) / stepMinutes) * stepMinutes - out[i]! * 60) < 1e-9));
  if (parts.length === 0 || bad !== undefined) {
    throw new InputError('OPTION_INVALID', `found "${bad ?? text}"; give hours between 0 and 24, each a whole number of ${stepMinutes}-minute steps, separated by commas (e.g. 1,2,3,4)`, { path: '--durations' });
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** Registers `flex`. */
export function registerFlex(program: Command, io: Io): void {
  program
    .command('flex')
    .description('flexibility envelope: how much each site and the fleet can reduce or raise load, for how long, at what cost')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .option('--day <YYYY-MM-DD>', 'local day (horizon time zone) to evaluate (default: the first day)')
    .option('--durations <hours>', 'hold durations, hours, comma-separated', '1,2,3,4')
    .option('--policy <name>', `base policy the flexibility is measured from (${policyNames().join(', ')})`, 'naive')
    .option('--out <dir>', 'write envelope.csv, envelope.json and report.html here')
    .option('--json', 'print only the envelope as JSON')
    .addHelpText('after', '\nExamples:\n  $ wattshift flex examples/phoenix-2025.yaml\n  $ wattshift flex examples/china-fleet.yaml --day 2014-07-23 --out out/flex\n  $ wattshift flex examples/china-fleet.yaml --day 2014-07-23 --durations 1,4 --json | jq .fleet')
    .action(async (file: string, opts: FlexOptions) => {
      const bar = progressBar('flex', !opts.json);
      const model = buildModel(loadScenario(file));
      const durations = parseDurations(opts.durations, model.grid.stepMinutes);
      const cal = calendarOf(model.grid, model.grid.timeZone);
      const day = opts.day ?? cal.dayKeys[0]!;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new InputError('OPTION_INVALID', `found "${day}"; write the day as YYYY-MM-DD`, { path: '--day' });
      const d = cal.dayKeys.indexOf(day);
      if (d < 0) throw new InputError('OPTION_INVALID', `${day} is not in the horizon (${cal.dayKeys[0]} to ${cal.dayKeys[cal.dayKeys.length - 1]}, ${model.grid.timeZone})`, { path: '--day' });
      let from = -1;
      let to = -1;
      for (let t = 0; t < model.grid.steps; t++) {
        if (cal.dayIndex[t] !== d) continue;
        if (from < 0) from = t;
        to = t + 1;
      }
      const base = await plan(model, opts.policy, (f) => bar.update(0.4 * f));
      const ledger = simulate(model, base, (f) => bar.update(0.4 + 0.3 * f));
      const ctx = flexContext(model, base, ledger);
      const env = flexibilityEnvelope(ctx, { fromStep: from, toStep: to, durations });
      bar.done();
      const json = envelopeJson(model, env, day);
      let written: string[] = [];
      if (opts.out) {
        const { summary, bills } = summarise(model, ledger);
        const files = [
          { name: 'envelope.json', content: `${JSON.stringify(json, null, 2)}\n` },
          { name: 'envelope.csv', content: envelopeCsv(model, env, model.currency) },
          { name: 'report.html', content: renderReportHtml({ summary, ledger, bills, siteTimeZones: model.sites.map((s) => s.timeZone), extraSections: [envelopeSection(model, env, day)] }) },
        ];
        await writeOutputs(opts.out, files);
        written = files.map((f) => f.name);
      }
      if (opts.json) {
        io.out(`${JSON.stringify(json, null, 2)}\n`);
        return;
      }
      io.out(flexText(model.grid.timeZone, env, day));
      if (opts.out) io.out(`\nwrote ${written.map((w) => resolve(opts.out!, w)).join('\n      ')}\n`);
    });
}

function hourTable(tz: string, env: Envelope, hours: Envelope['fleet']): string {
  const head = ['hour', ...env.durations.map((d) => `-${d}h kW`), ...env.durations.map((d) => `+${d}h kW`), `lost GPU-h ${env.durations[0]}h`, `deferred GPU-h ${env.durations[0]}h`];
  const rows = hours.map((h) => [
    isoLocal(h.startMs, tz).slice(11, 16),
    ...h.reduce.map((c) => (c.feasible ? num(c.kw, 0) : '–')),
    ...h.increase.map((c) => (c.feasible ? num(c.kw, 0) : '–')),
    num(h.reduce[0]?.lostGpuHours ?? 0, 1),
    num(h.reduce[0]?.deferredGpuHours ?? 0, 1),
  ]);
  return table([head, ...rows]);
}

function flexText(tz: string, env: Envelope, day: string): string {
  const out: string[] = [`flexibility envelope, ${day} (${tz}): change of grid import each can hold from each hour (- reduce, + increase)`, ''];
  if (env.sites.length <= MAX_SITE_TABLES) {
    for (const s of env.sites) out.push(`site ${s.id}`, hourTable(tz, env, s.hours), '');
  } else {
    const rows = [['site', ...env.durations.map((d) => `best -${d}h kW`), ...env.durations.map((d) => `worst -${d}h kW`)]];
    for (const s of env.sites) {
      rows.push([s.id, ...env.durations.map((_, k) => num(Math.max(...s.hours.map((h) => h.reduce[k]!.kw)), 0)), ...env.durations.map((_, k) => num(Math.min(...s.hours.filter((h) => h.reduce[k]!.feasible).map((h) => h.reduce[k]!.kw)), 0))]);
    }
    out.push(`${env.sites.length} sites (hourly tables with --out or --json)`, table(rows), '');
  }
  out.push('fleet (what the aggregator can promise)', hourTable(tz, env, env.fleet));
  return `${out.join('\n')}\n`;
}
