/**
 * `wattshift dr FILE`: replays grid events on the fleet as its aggregator would (baseline,
 * target, merit-order split across sites, event-response dispatch, simulation, settlement)
 * and prints or writes the settlement, the per-site OpenADR 3.1 dispatch and a report.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors/index.ts';
import { summarise } from '../../metrics/summary.ts';
import { buildModel, loadScenario, plan, simulate } from '../../pipeline.ts';
import { policyNames } from '../../plan/policies.ts';
import { BASELINE_METHODS } from '../../programs/baselines/index.ts';
import { isEventSpec, parseEventSpec, programEvents, readEventFile, type EventContext } from '../../programs/events.ts';
import { resolveProgram, scenarioPrograms } from '../../programs/program.ts';
import { locateError } from '../../scenario/source.ts';
import { replayEvents, type ReplayResult } from '../../programs/replay.ts';
import { drJson, isoLocal, settlementIntervalsCsv, settlementLinesCsv, settlementSection, type BillChange } from '../../programs/report.ts';
import type { GridEvent } from '../../programs/types.ts';
import type { FleetModel } from '../../model/fleet-model.ts';
import { renderReportHtml, writeOutputs } from '../../report/index.ts';
import { num, pct, table } from '../format.ts';
import type { Io } from '../io.ts';
import { progressBar } from '../progress.ts';
import { registerFlex } from './flex.ts';

interface DrOptions {
  event?: string[];
  targetMw?: string;
  targetPercent?: string;
  baseline?: string;
  program?: string;
  annual?: boolean;
  policy: string;
  out?: string;
  json?: boolean;
}

const HELP = `
Event grammar (--event, repeatable):
  FILE                     CSV, YAML or JSON schedule, or an OpenADR 3.1 event object (JSON)
  START/DURATION           2025-05-03T16:00/3h, 2025-05-03T16:00/PT3H, 16:00/90m
  START..END               2025-05-03T16:00..19:00, 2025-05-03T16:00..2025-05-03T19:00
  Times are local wall clock in the horizon time zone unless they carry an offset; HH:MM
  alone means the horizon's first day. Without --event, the program's own events are used
  (its schedule, schedule file and generated events).

Examples:
  $ wattshift dr examples/phoenix-2025.yaml --json
  $ wattshift dr examples/phoenix-2025.yaml --event 2025-05-03T16:00/3h --target-percent 25 --out out/dr
  $ wattshift dr examples/phoenix-2025.yaml --event examples/events/phoenix-2025-05-03.openadr.json
  $ wattshift dr examples/china-fleet.yaml --annual --out out/china-dr
Baselines: ${BASELINE_METHODS.join(', ')}.
Exit codes: 0 ok, 1 internal error, 2 bad input.`;

function numberOption(text: string | undefined, name: string, check: (x: number) => boolean, valid: string): number | undefined {
  if (text === undefined) return undefined;
  const x = Number(text);
  if (!Number.isFinite(x) || !check(x)) throw new InputError('OPTION_INVALID', `found "${text}"; ${valid}`, { path: name });
  return x;
}

/** Registers `dr`. */
export function registerDr(program: Command, io: Io): void {
  program
    .command('dr')
    .description('replay grid events: dispatch them across sites, simulate, and settle against baselines')
    .argument('<file>', 'scenario file (YAML or JSON)')
    .option('--event <file|spec>', 'event file or START/DURATION or START..END (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--target-mw <mw>', 'fleet change against the baseline, MW (events without their own target)')
    .option('--target-percent <p>', 'change as a percentage of the baseline (events without their own target)')
    .option('--baseline <method>', `baseline for every site (${BASELINE_METHODS.join(', ')})`)
    .option('--program <id>', 'program of the scenario to settle under (default: the first)')
    .option('--annual', 'settle every event of the program over the horizon, with capacity pay')
    .option('--policy <name>', `base policy the events are answered from (${policyNames().join(', ')})`, 'naive')
    .option('--out <dir>', 'write settlement.json, settlement.csv, settlement-intervals.csv, openadr/*.json and report.html here')
    .option('--json', 'print only the settlement as JSON')
    .addHelpText('after', HELP)
    .action(async (file: string, opts: DrOptions) => {
      await drAction(file, opts, io);
    });
}

async function drAction(file: string, opts: DrOptions, io: Io): Promise<void> {
  const targetMW = numberOption(opts.targetMw, '--target-mw', (x) => x > 0, 'give a number of MW above 0');
  const targetPercent = numberOption(opts.targetPercent, '--target-percent', (x) => x > 0 && x <= 100, 'give a percentage above 0 and at most 100');
  if (targetMW !== undefined && targetPercent !== undefined) throw new InputError('OPTION_INVALID', 'give --target-mw or --target-percent, not both', { path: '--target-mw' });
  const model = buildModel(loadScenario(file));
  try {
    await replayAndReport(model, opts, { targetMW, targetPercent }, io);
  } catch (e) {
    // errors found in the scenario's gridPrograms section get its line and column
    throw locateError(e, model.resolved);
  }
}

async function replayAndReport(model: FleetModel, opts: DrOptions, target: { targetMW?: number; targetPercent?: number }, io: Io): Promise<void> {
  const { targetMW, targetPercent } = target;
  const bar = progressBar('dr', !opts.json);
  const { program, notes } = resolveProgram(model, { id: opts.program, baseline: opts.baseline });
  const spec = scenarioPrograms(model).find((p) => p.id === program.id);
  const base = await plan(model, opts.policy, (f) => bar.update(0.2 * f));
  const baseLedger = simulate(model, base, (f) => bar.update(0.2 + 0.1 * f));

  let events: GridEvent[];
  if (opts.event && opts.event.length > 0) {
    const ctx: EventContext = { grid: model.grid, direction: program.direction, siteIds: model.sites.map((s) => s.id), programIds: scenarioPrograms(model).map((p) => p.id) };
    events = opts.event.flatMap((e, i) => (isEventSpec(e) ? [parseEventSpec(e, ctx, model.sites[0]!.calendar, i)] : readEventFile(e, ctx)));
    const foreign = events.filter((e) => e.programId !== undefined && e.programId !== program.id);
    if (foreign.length > 0) notes.push(`${foreign.length} event(s) name another program; they are settled under "${program.id}"`);
  } else {
    const own = programEvents(model, program, spec);
    events = own.events;
    notes.push(...own.notes);
    if (events.length === 0) {
      throw new InputError('OPTION_INVALID', `program "${program.id}" has no events; give --event (a file, START/DURATION or START..END), or events in the program`, { path: '--event' });
    }
  }
  if (targetMW !== undefined || targetPercent !== undefined) {
    events = events.map((e) => ({
      ...e,
      targets: [targetMW !== undefined ? { startMs: e.startMs, endMs: e.endMs, kind: 'kw' as const, value: targetMW * 1000 } : { startMs: e.startMs, endMs: e.endMs, kind: 'fraction' as const, value: targetPercent! / 100 }],
    }));
  }
  const result = replayEvents(model, base, baseLedger, program, events, { capacity: Boolean(opts.annual), progress: (f) => bar.update(0.3 + 0.65 * f) });
  result.notes.unshift(...notes);
  const before = summarise(model, baseLedger);
  const after = summarise(model, result.ledger);
  const bills: BillChange = { before: before.summary.fleet.energyCost, after: after.summary.fleet.energyCost, change: after.summary.fleet.energyCost - before.summary.fleet.energyCost };
  const json = drJson(model, result, bills);
  bar.done();
  let written: string[] = [];
  if (opts.out) {
    const tz = model.sites.map((s) => s.timeZone);
    const openadr = result.plans.flatMap((p) => p.openadr.map((o) => ({ name: `openadr/${String(o.id)}.json`, content: `${JSON.stringify(o, null, 2)}\n` })));
    const files = [
      { name: 'settlement.json', content: `${JSON.stringify(json, null, 2)}\n` },
      { name: 'settlement.csv', content: settlementLinesCsv(result, model.currency) },
      { name: 'settlement-intervals.csv', content: settlementIntervalsCsv(model, result) },
      ...openadr,
      { name: 'report.html', content: renderReportHtml({ summary: after.summary, ledger: result.ledger, bills: after.bills, siteTimeZones: tz, extraSections: [settlementSection(model, result, bills)] }) },
    ];
    await writeOutputs(opts.out, files);
    written = files.map((f) => f.name);
  }
  if (opts.json) {
    io.out(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  io.out(drText(model.grid.timeZone, model.currency, result, bills));
  if (opts.out) {
    const main = written.filter((w) => !w.startsWith('openadr/'));
    io.out(`\nwrote ${main.map((w) => resolve(opts.out!, w)).join('\n      ')}\n      ${resolve(opts.out, 'openadr')}/ (${written.length - main.length} OpenADR 3.1 events, one per site and event)\n`);
  }
}

function drText(tz: string, cur: string, r: ReplayResult, bills: BillChange): string {
  const t = r.totals;
  const p = r.program;
  const lines: string[] = [];
  lines.push(`program ${p.id} (${p.direction === 'reduce' ? 'peak shaving' : 'valley filling'}), ${r.settlements.length} event${r.settlements.length === 1 ? '' : 's'}, ${p.measurementIntervalMinutes}-min intervals, ${cur}`);
  if (r.commitmentKW !== undefined) lines.push(`commitment: ${num(r.commitmentKW / 1000, 3)} MW${r.bid ? ' (bid from the flexibility envelope)' : ''}`);
  lines.push('');
  const rows = [['event', 'start', 'end', 'target MW', 'delivered MWh', 'ratio', 'rule', `pay ${cur}`, `penalty ${cur}`]];
  for (const e of r.settlements) {
    rows.push([e.id, isoLocal(e.startMs, tz).slice(0, 16).replace('T', ' '), isoLocal(e.endMs, tz).slice(11, 16), num(e.meanTargetKW / 1000, 3), num(e.deliveredKWh / 1000, 3), pct(e.deliveryRatio), e.band.rule, num(e.payment, 2), num(e.penalty, 2)]);
  }
  lines.push(table(rows, 3));
  lines.push('');
  const siteRows = [['site', 'baseline', 'baseline MWh', 'actual MWh', 'delivered MWh', `pay ${cur}`, `penalty ${cur}`]];
  for (const s of t.bySite) {
    const i = r.settlements[0]!.sites.find((x) => x.id === s.id)?.baseline.method ?? '';
    siteRows.push([s.id, i, num(s.baselineKWh / 1000, 3), num(s.actualKWh / 1000, 3), num(s.deliveredKWh / 1000, 3), num(s.payment, 2), num(s.penalty, 2)]);
  }
  lines.push(table(siteRows, 2));
  lines.push('');
  lines.push(`delivered ${num(t.deliveredKWh / 1000, 3)} of ${num(t.targetKWh / 1000, 3)} MWh (${pct(t.deliveryRatio)}); energy pay ${num(t.energyPayment, 2)}${t.capacityPayment > 0 ? `, capacity pay ${num(t.capacityPayment, 2)}` : ''}, penalties ${num(t.penalty, 2)}, net ${num(t.net, 2)} ${cur} (aggregator keeps ${num(t.aggregatorKeeps, 2)})`);
  lines.push(`cost: ${num(r.work.lostGpuHours, 1)} GPU-h of work lost (${num(r.work.lostWorkValue, 2)} ${cur}), ${num(r.work.deferredGpuHours, 1)} GPU-h deferred and made up; weighted QoS ${r.checks.qosBefore === null ? '–' : num(r.checks.qosBefore, 4)} → ${r.checks.qosAfter === null ? '–' : num(r.checks.qosAfter, 4)}; electricity bill ${bills.change >= 0 ? '+' : ''}${num(bills.change, 2)} ${cur}`);
  lines.push(`SLOs kept: ${r.checks.sloKept ? 'yes' : 'no'}; QoS floors kept: ${r.checks.qosKept ? 'yes' : 'no'}${r.checks.violations.length ? ` (${r.checks.violations.join('; ')})` : ''}`);
  if (r.notes.length) lines.push(`notes:\n${r.notes.map((n) => `  ${n}`).join('\n')}`);
  return `${lines.join('\n')}\n`;
}

/** Registers the grid-program commands, `flex` and `dr`, in that order. */
export function registerGridProgramCommands(program: Command, io: Io): void {
  registerFlex(program, io);
  registerDr(program, io);
}
