/**
 * Use case `dr`: replay grid events on the fleet as its aggregator would (baseline, target,
 * merit-order split across sites, event-response dispatch, simulation, settlement) and give
 * the settlement, the change of the electricity bill, the per-site OpenADR 3.1 dispatch and a
 * report.
 */
import { InputError } from '../errors/index.ts';
import { isEventSpec, parseEventSpec, parseEventText, programEvents, readEventFile, type EventContext } from '../programs/events.ts';
import { resolveProgram, scenarioPrograms } from '../programs/program.ts';
import { replayEvents, type ReplayResult } from '../programs/replay.ts';
import { drJson, isoLocal, settlementIntervalsCsv, settlementLinesCsv, type BillChange } from '../programs/report.ts';
import type { GridEvent } from '../programs/types.ts';
import { summarise, type Summary } from '../metrics/summary.ts';
import { locateError } from '../scenario/source.ts';
import { csvFile, htmlFile, jsonFile, loadReport, siteTimeZones } from './files.ts';
import { choiceOption, numberOption, policyOption } from './options.ts';
import { DEFAULT_POWER_MEASURE, POWER_MEASURES, POWER_MEASURE_WORDS, type PowerMeasure } from '../simulate/measure.ts';
import { checkpoint, stageProgress } from './progress.ts';
import { runPolicy, type PolicyRun } from './run-policy.ts';
import { loadScenarioInput, type LoadedScenario, type ScenarioInput } from './scenario-input.ts';
import { num, pct, table } from './text-format.ts';
import type { Numeric, OutputFile, UseCaseDeps, UseCaseOutput } from './types.ts';

/**
 * An event given to `dr`: an event file (CSV, YAML or JSON schedule, or an OpenADR 3.1 event;
 * relative to the working directory) or a spec (START/DURATION, START..END); the text of such a
 * document with its name (the extension picks the format); or an event already parsed.
 */
export type DrEventInput = string | { text: string; name: string } | GridEvent;

/** Options of `dr`. */
export interface DrOptions {
  /** Events to replay (default: the program's own events). */
  event?: DrEventInput[];
  /** Fleet change against the baseline, MW, for events without their own target. */
  targetMw?: Numeric;
  /** Change as a percentage of the baseline (0–100], for events without their own target. */
  targetPercent?: Numeric;
  /** Baseline method for every site (see BASELINE_METHODS; default: the program's). */
  baseline?: string;
  /** Program of the scenario to settle under (default: the first). */
  program?: string;
  /** Settle every event of the program over the horizon, with capacity pay. */
  annual?: boolean;
  /** Base policy the events are answered from (default naive). */
  policy?: string;
  /**
   * The power a percentage target is a share of: grid (the meter, default, as in `plan --event`),
   * gpu, it or facility. Delivery is settled on the meter either way.
   */
  measure?: string;
}

/** Input of {@link runDr}. */
export interface DrInput extends DrOptions {
  scenario: ScenarioInput;
}

/**
 * Result of {@link runDr}: json is the settlement (the `dr` JSON contract); files are
 * settlement.json, settlement.csv, settlement-intervals.csv, openadr/<event>.json (one per site
 * and event) and report.html.
 */
export interface DrOutput extends UseCaseOutput<Record<string, unknown>> {
  scenario: LoadedScenario;
  replay: ReplayResult;
  /** The base run the events are answered from. */
  base: PolicyRun;
  /** The fleet's summary after the events. */
  after: Pick<PolicyRun, 'summary' | 'bills'>;
  /** The electricity bill before and after the events. */
  bills: BillChange;
}

/** Replays and settles grid events on the scenario's fleet. */
export async function runDr(input: DrInput, deps: UseCaseDeps): Promise<DrOutput> {
  const targetMW = numberOption(input.targetMw, '--target-mw', (x) => x > 0, 'give a number of MW above 0');
  const targetPercent = numberOption(input.targetPercent, '--target-percent', (x) => x > 0 && x <= 100, 'give a percentage above 0 and at most 100');
  if (targetMW !== undefined && targetPercent !== undefined) throw new InputError('OPTION_INVALID', 'give --target-mw or --target-percent, not both', { path: '--target-mw' });
  const policy = policyOption(input.policy ?? 'naive');
  choiceOption('--measure', input.measure ?? DEFAULT_POWER_MEASURE, POWER_MEASURES);
  checkpoint(deps, 'before loading the scenario');
  const scenario = loadScenarioInput(input.scenario);
  try {
    return await replayAndSettle(scenario, input, policy, { targetMW, targetPercent }, deps);
  } catch (e) {
    // errors found in the scenario's gridPrograms section get its line and column
    throw locateError(e, scenario.resolved);
  }
}

async function replayAndSettle(scenario: LoadedScenario, input: DrOptions, policy: string, target: { targetMW?: number; targetPercent?: number }, deps: UseCaseDeps): Promise<DrOutput> {
  const { model } = scenario;
  const { targetMW, targetPercent } = target;
  const { program, notes } = resolveProgram(model, { id: input.program, baseline: input.baseline });
  const spec = scenarioPrograms(model).find((p) => p.id === program.id);
  const base = await runPolicy(scenario, policy, deps, { plan: [0, 0.2, 'plan'], simulate: [0.2, 0.3, 'simulate'] });

  let events: GridEvent[];
  if (input.event && input.event.length > 0) {
    const ctx: EventContext = { grid: model.grid, direction: program.direction, siteIds: model.sites.map((s) => s.id), programIds: scenarioPrograms(model).map((p) => p.id) };
    events = input.event.flatMap((e, i) => {
      if (typeof e !== 'string') return 'text' in e ? parseEventText(e.text, e.name, ctx) : [e];
      return isEventSpec(e) ? [parseEventSpec(e, ctx, model.sites[0]!.calendar, i)] : readEventFile(e, ctx);
    });
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
  checkpoint(deps, 'before replaying the events');
  const measure = (input.measure ?? DEFAULT_POWER_MEASURE) as PowerMeasure;
  const replay = replayEvents(model, base.dispatch, base.ledger, program, events, { capacity: Boolean(input.annual), measure, progress: stageProgress(deps, 0.3, 0.95, 'events') });
  replay.notes.unshift(...notes);
  const after = summarise(model, replay.ledger);
  const before: Summary = base.summary;
  const bills: BillChange = { before: before.fleet.energyCost, after: after.summary.fleet.energyCost, change: after.summary.fleet.energyCost - before.fleet.energyCost };
  const json = drJson(model, replay, bills);
  deps.progress?.(1, 'done');
  return {
    scenario,
    replay,
    base,
    after,
    bills,
    json,
    text: drText(model.grid.timeZone, model.currency, replay, bills),
    files: async (): Promise<OutputFile[]> => {
      const { renderReportHtml } = await loadReport();
      const { settlementSection } = await import('../programs/report-sections.ts');
      const openadr = replay.plans.flatMap((p) => p.openadr.map((o) => jsonFile(`openadr/${String(o.id)}.json`, o)));
      return [
        jsonFile('settlement.json', json),
        csvFile('settlement.csv', settlementLinesCsv(replay, model.currency)),
        csvFile('settlement-intervals.csv', settlementIntervalsCsv(model, replay)),
        ...openadr,
        htmlFile('report.html', renderReportHtml({ summary: after.summary, ledger: replay.ledger, bills: after.bills, siteTimeZones: siteTimeZones(model), extraSections: [settlementSection(model, replay, bills)] })),
      ];
    },
  };
}

function drText(tz: string, cur: string, r: ReplayResult, bills: BillChange): string {
  const t = r.totals;
  const p = r.program;
  const lines: string[] = [];
  lines.push(`program ${p.id} (${p.direction === 'reduce' ? 'peak shaving' : 'valley filling'}), ${r.settlements.length} event${r.settlements.length === 1 ? '' : 's'}, ${p.measurementIntervalMinutes}-min intervals, ${cur}, times in ${tz}`);
  lines.push(`targets in % are shares of the baseline of ${POWER_MEASURE_WORDS[r.measure]} (--measure ${r.measure}); delivery is settled on the grid meter`);
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
