/**
 * Use case `plan --event`: replay a power-reduction event with the QoS objective (caps and
 * pausing chosen to maximise the QoS-weighted job performance under the cap), and optionally
 * find the deepest reduction holdable with every QoS floor met.
 */
import { InputError } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { maxReduction, replayEvent, type EventReplay, type JobEventOutcome } from '../plan/event-replay.ts';
import type { PowerCap } from '../plan/fleet-lp.ts';
import { stepAtOrAfter } from '../scenario/horizon.ts';
import { stepStartMs } from '../time/grid.ts';
import { formatUtcIso } from '../time/parse.ts';
import { choiceOption } from './options.ts';
import { checkpoint } from './progress.ts';
import { loadScenarioInput, type LoadedScenario, type ScenarioInput } from './scenario-input.ts';
import { num, table } from './text-format.ts';
import type { Numeric, UseCaseDeps, UseCaseOutput } from './types.ts';

/** Options of `plan --event`. */
export interface PlanEventOptions {
  /** The event window, START/HOURS in the horizon's time zone, e.g. `2025-05-03T16:00/3`. */
  event: string;
  /** Required reduction below normal power, percent (0–100, exclusive; `25` or `25%`; default 25). */
  reduce?: Numeric;
  /** Power the cap applies to: gpu (default), it, facility or grid. */
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
  event: { start: string; end: string };
  measure: PowerCap['measure'];
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

/** Result of {@link runPlanEvent}. The CLI writes no files for it: `files()` is empty. */
export interface PlanEventOutput extends UseCaseOutput<PlanEventJson> {
  scenario: LoadedScenario;
  replay: EventReplay;
  /** Deepest reduction with every floor met, as a fraction (undefined unless asked). */
  maxReduction: number | undefined;
}

/** Parses `START/HOURS` into the event's steps [from, to). */
export function parseEventWindow(model: FleetModel, spec: string): [number, number] {
  const m = /^(.+)\/(\d+(?:\.\d+)?)h?$/.exec(spec.trim());
  if (!m) throw new InputError('OPTION_INVALID', `--event must be START/HOURS, e.g. 2025-05-03T16:00/3, got "${spec}"`, { path: '--event' });
  const from = stepAtOrAfter(model.grid, m[1]!, '--event');
  const to = from + Math.round((Number(m[2]) * 60) / model.grid.stepMinutes);
  if (from >= model.grid.steps || to > model.grid.steps || to <= from) {
    throw new InputError('EVENT_INVALID', `the event ${spec} does not lie inside the horizon (${formatUtcIso(model.grid.startMs)} + ${model.grid.steps} steps)`, { path: '--event' });
  }
  return [from, to];
}

/** Replays the event on the scenario's fleet with the caller's solver. */
export async function runPlanEvent(input: PlanEventInput, deps: UseCaseDeps): Promise<PlanEventOutput> {
  const reduceText = String(input.reduce ?? 25);
  const reduction = Number(reduceText.replace('%', '')) / 100;
  if (!(reduction > 0 && reduction < 1)) throw new InputError('OPTION_INVALID', `--reduce must be a percentage between 0 and 100, got "${reduceText}"`, { path: '--reduce' });
  const measure = choiceOption('--measure', input.measure ?? 'gpu', ['gpu', 'it', 'facility', 'grid'] as const);
  const qosWindow = choiceOption('--qos-window', input.qosWindow ?? 'horizon', ['event', 'horizon'] as const);
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
  const json: PlanEventJson = {
    scenario: model.name,
    event: { start: formatUtcIso(stepStartMs(model.grid, from)), end: formatUtcIso(stepStartMs(model.grid, to)) },
    measure,
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
  return { scenario, replay: r, maxReduction: deepest, json, text: planEventText(json, deepest), files: () => Promise.resolve([]) };
}

function planEventText(j: PlanEventJson, deepest: number | undefined): string {
  const wsum = j.jobs.reduce((a, x) => a + x.weight, 0) || 1;
  return (
    `${j.scenario}: hold ${j.measure} power ${num(j.reductionPercent, 0)} % below normal (${num(j.normalKW, 1)} → ≤ ${num(j.limitKW, 1)} kW) from ${j.event.start} to ${j.event.end}\n` +
    `QoS measured over the ${j.qosWindow === 'horizon' ? 'whole horizon' : 'event'}; caps and pausing chosen to maximise the weighted performance\n\n` +
    table([
      ['job', 'weight', 'floor', 'performance', 'in event', 'levers'],
      ...j.jobs.map((x) => [x.id, num(x.weight / wsum, 3), num(x.floor, 2), num(x.performance, 4), num(x.eventPerformance, 4), x.levers]),
    ], 1) +
    `\n\nweighted performance: ${num(j.weightedPerformance, 4)} (in the event: ${num(j.weightedEventPerformance, 4)}); every floor met: ${j.floorsMet ? 'yes' : 'no'}; peak ${j.measure} power in the event ${num(j.achievedKW, 1)} kW\n` +
    (deepest !== undefined ? `deepest reduction holdable with every floor met: ${num(deepest * 100, 1)} %\n` : '')
  );
}
