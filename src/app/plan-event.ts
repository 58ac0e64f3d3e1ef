/**
 * Use case `plan --event`: replay a power-reduction event with the QoS objective (caps and
 * pausing chosen to maximise the QoS-weighted job performance under the cap), and optionally
 * find the deepest reduction holdable with every QoS floor met.
 */
import { InputError } from '../errors/index.ts';
import { summarise, type Summary } from '../metrics/summary.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { maxReduction, replayEvent, type EventReplay, type JobEventOutcome } from '../plan/event-replay.ts';
import { EVENT_SPEC_GRAMMAR, parseEventTimes } from '../programs/events.ts';
import { isoLocal } from '../programs/report.ts';
import { DEFAULT_POWER_MEASURE, POWER_MEASURES, POWER_MEASURE_WORDS, type PowerMeasure } from '../simulate/measure.ts';
import { calendarOf, horizonText, localStamp, stepStartMs } from '../time/grid.ts';
import { jsonFile, loadReport, runFiles } from './files.ts';
import { choiceOption } from './options.ts';
import { checkpoint } from './progress.ts';
import { loadScenarioInput, type LoadedScenario, type ScenarioInput } from './scenario-input.ts';
import { num, table } from './text-format.ts';
import type { Numeric, OutputFile, UseCaseDeps, UseCaseOutput } from './types.ts';

/** Options of `plan --event`. */
export interface PlanEventOptions {
  /**
   * The event window, as for `dr --event`: START/DURATION (`2025-05-03T16:00/3`, `16:00/3h`,
   * `16:00/PT3H`) or START..END, local wall clock in the horizon's time zone.
   */
  event: string;
  /** Required reduction below normal power, percent (0–100, exclusive; `25` or `25%`; default 25). */
  reduce?: Numeric;
  /** Power the cap applies to: gpu, it, facility or grid (default grid, the meter, as in `dr`). */
  measure?: string;
  /** Where job performance is measured: horizon (default) or event. */
  qosWindow?: string;
  /** Also find the deepest reduction holdable with every QoS floor met. */
  maxReduction?: boolean;
  /** Solver name passed to the solver factory (default 'highs'). */
  solver?: string;
}

/** Input of {@link runPlanEvent}. */
export interface PlanEventInput extends PlanEventOptions {
  scenario: ScenarioInput;
}

/** The `plan --event --json` document. */
export interface PlanEventJson {
  scenario: string;
  /** Event window: local ISO 8601 times with their offset in the horizon zone (`timeZone`). */
  event: { start: string; end: string; timeZone: string };
  measure: PowerMeasure;
  /** What `measure` is, in words. */
  measureDescription: string;
  qosWindow: 'event' | 'horizon';
  reductionPercent: number;
  normalKW: number;
  limitKW: number;
  achievedKW: number;
  floorsMet: boolean;
  weightedPerformance: number;
  weightedEventPerformance: number;
  jobs: JobEventOutcome[];
  /** Deepest reduction with every floor met, percent (null unless asked). */
  maxReductionPercent: number | null;
}

/**
 * Result of {@link runPlanEvent}. Files (`--out`): event.json (the JSON document), and the
 * replayed run's summary.json, ledger.csv, bills.csv and report.html (with an event section).
 */
export interface PlanEventOutput extends UseCaseOutput<PlanEventJson> {
  scenario: LoadedScenario;
  replay: EventReplay;
  /** Summary of the replayed run (the fleet with the event held, naive outside it). */
  summary: Summary;
  /** Deepest reduction with every floor met, as a fraction (undefined unless asked). */
  maxReduction: number | undefined;
}

/** Parses the event window (the `--event` grammar of `plan` and `dr`) into the event's steps [from, to). */
export function parseEventWindow(model: FleetModel, spec: string): [number, number] {
  const grid = model.grid;
  const { startMs, endMs } = parseEventTimes(spec.trim(), grid, calendarOf(grid, grid.timeZone));
  const stepMs = grid.stepMinutes * 60_000;
  const from = (startMs - grid.startMs) / stepMs;
  const to = (endMs - grid.startMs) / stepMs;
  if (from < 0 || to > grid.steps) {
    throw new InputError('EVENT_INVALID', `the event ${spec} (${localStamp(grid, startMs)} to ${localStamp(grid, endMs)}) does not lie inside the horizon ${horizonText(grid)}`, { path: '--event' });
  }
  if (!Number.isInteger(from) || !Number.isInteger(to)) {
    const which = Number.isInteger(from) ? `ends at ${localStamp(grid, endMs)}` : `starts at ${localStamp(grid, startMs)}`;
    throw new InputError('EVENT_INVALID', `the event ${spec} ${which}, which is not on the ${grid.stepMinutes}-minute grid (steps start at ${localStamp(grid, grid.startMs)} + k × ${grid.stepMinutes} min, ${grid.timeZone})`, { path: '--event' });
  }
  return [from, to];
}

/** Replays the event on the scenario's fleet with the caller's solver. */
export async function runPlanEvent(input: PlanEventInput, deps: UseCaseDeps): Promise<PlanEventOutput> {
  const reduceText = String(input.reduce ?? 25);
  const reduction = Number(reduceText.replace('%', '')) / 100;
  if (!(reduction > 0 && reduction < 1)) throw new InputError('OPTION_INVALID', `--reduce must be a percentage between 0 and 100, got "${reduceText}"`, { path: '--reduce' });
  const measure = choiceOption('--measure', input.measure ?? DEFAULT_POWER_MEASURE, POWER_MEASURES);
  const qosWindow = choiceOption('--qos-window', input.qosWindow ?? 'horizon', ['event', 'horizon'] as const);
  if (typeof input.event !== 'string' || input.event.trim() === '') throw new InputError('OPTION_INVALID', `--event needs a window: ${EVENT_SPEC_GRAMMAR}`, { path: '--event' });
  checkpoint(deps, 'before loading the scenario');
  const scenario = loadScenarioInput(input.scenario);
  const { model } = scenario;
  const [from, to] = parseEventWindow(model, input.event);
  const window: [number, number] | undefined = qosWindow === 'horizon' ? [0, model.grid.steps] : undefined;
  const solve = { solverFactory: deps.solverFactory, solver: input.solver ?? 'highs', signal: deps.signal };
  deps.progress?.(0.1, 'event');
  const r = await replayEvent(model, { from, to, reduction, measure, window }, solve);
  deps.progress?.(input.maxReduction ? 0.5 : 1, 'event');
  const deepest = input.maxReduction ? await maxReduction(model, { from, to, measure, window }, undefined, solve) : undefined;
  deps.progress?.(1, 'done');
  const tz = model.grid.timeZone;
  const json: PlanEventJson = {
    scenario: model.name,
    event: { start: isoLocal(stepStartMs(model.grid, from), tz), end: isoLocal(stepStartMs(model.grid, to), tz), timeZone: tz },
    measure,
    measureDescription: POWER_MEASURE_WORDS[measure],
    qosWindow,
    reductionPercent: reduction * 100,
    normalKW: r.normalKW,
    limitKW: r.limitKW,
    achievedKW: r.achievedKW,
    floorsMet: r.floorsMet,
    weightedPerformance: r.weightedPerformance,
    weightedEventPerformance: r.weightedEventPerformance,
    jobs: r.jobs,
    maxReductionPercent: deepest === undefined ? null : Math.round(deepest * 1000) / 10,
  };
  const { summary, bills } = summarise(model, r.ledger);
  summary.notes = [...summary.notes, eventHeadline(json)];
  return {
    scenario,
    replay: r,
    summary,
    maxReduction: deepest,
    json,
    text: planEventText(json, deepest),
    files: async (): Promise<OutputFile[]> => {
      const { dataTable } = await loadReport();
      const section = {
        id: 'event',
        title: 'Event replay',
        html: `<p>${eventHeadline(json)}. Outside the event the fleet runs as the naive policy would.</p>${dataTable(
          [{ label: 'Job' }, { label: 'Weight', numeric: true, decimals: 3 }, { label: 'QoS floor', numeric: true, decimals: 2 }, { label: `Performance (${json.qosWindow === 'horizon' ? 'horizon' : 'event'})`, numeric: true, decimals: 4 }, { label: 'In the event', numeric: true, decimals: 4 }, { label: 'Levers' }],
          json.jobs.map((j) => [j.id, j.weight, j.floor, j.performance, j.eventPerformance, j.levers]),
        )}`,
      };
      return [jsonFile('event.json', json), ...(await runFiles({ model, ledger: r.ledger, summary, bills }, [section]))];
    },
  };
}

/** One line that says what was held, on what, and when (local time). */
function eventHeadline(j: PlanEventJson): string {
  const hm = (iso: string) => iso.slice(0, 16).replace('T', ' ');
  return `${j.measure} power held ${num(j.reductionPercent, 0)} % below normal (${num(j.normalKW, 1)} → ≤ ${num(j.limitKW, 1)} kW) from ${hm(j.event.start)} to ${hm(j.event.end).slice(11)} (${j.event.timeZone})`;
}

function planEventText(j: PlanEventJson, deepest: number | undefined): string {
  const wsum = j.jobs.reduce((a, x) => a + x.weight, 0) || 1;
  return (
    `${j.scenario}: ${eventHeadline(j)}\n` +
    `measured on ${j.measureDescription} (--measure ${j.measure}); QoS measured over the ${j.qosWindow === 'horizon' ? 'whole horizon' : 'event'}; caps and pausing chosen to maximise the weighted performance\n\n` +
    table([
      ['job', 'weight', 'floor', 'performance', 'in event', 'levers'],
      ...j.jobs.map((x) => [x.id, num(x.weight / wsum, 3), num(x.floor, 2), num(x.performance, 4), num(x.eventPerformance, 4), x.levers]),
    ], 1) +
    `\n\nweighted performance: ${num(j.weightedPerformance, 4)} (in the event: ${num(j.weightedEventPerformance, 4)}); every floor met: ${j.floorsMet ? 'yes' : 'no'}; peak ${j.measure} power in the event ${num(j.achievedKW, 1)} kW\n` +
    (deepest !== undefined ? `deepest reduction holdable with every floor met: ${num(deepest * 100, 1)} %\n` : '')
  );
}
