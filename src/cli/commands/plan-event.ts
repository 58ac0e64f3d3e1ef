/** `wattshift plan FILE --event …`: replays a power-reduction event with the QoS objective. */
import { InputError } from '../../errors/index.ts';
import type { FleetModel } from '../../model/fleet-model.ts';
import { maxReduction, replayEvent } from '../../plan/event-replay.ts';
import type { PowerCap } from '../../plan/fleet-lp.ts';
import { stepAtOrAfter } from '../../scenario/horizon.ts';
import { formatUtcIso } from '../../time/parse.ts';
import { stepStartMs } from '../../time/grid.ts';
import { num, table } from '../format.ts';
import type { Io } from '../io.ts';

/** Options of an event replay. */
export interface EventFlags {
  event: string;
  reduce: string;
  measure: string;
  qosWindow: string;
  maxReduction?: boolean;
  json?: boolean;
}

/** Parses `START/HOURS` into steps. */
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

/** Runs the replay and prints or returns its result. */
export async function runEventReplay(model: FleetModel, f: EventFlags, io: Io): Promise<void> {
  const [from, to] = parseEventWindow(model, f.event);
  const reduction = Number(String(f.reduce).replace('%', '')) / 100;
  if (!(reduction > 0 && reduction < 1)) throw new InputError('OPTION_INVALID', `--reduce must be a percentage between 0 and 100, got "${f.reduce}"`, { path: '--reduce' });
  if (!['gpu', 'it', 'facility', 'grid'].includes(f.measure)) throw new InputError('OPTION_INVALID', `--measure must be gpu, it, facility or grid, got "${f.measure}"`, { path: '--measure' });
  if (!['event', 'horizon'].includes(f.qosWindow)) throw new InputError('OPTION_INVALID', `--qos-window must be event or horizon, got "${f.qosWindow}"`, { path: '--qos-window' });
  const measure = f.measure as PowerCap['measure'];
  const window: [number, number] | undefined = f.qosWindow === 'horizon' ? [0, model.grid.steps] : undefined;
  const r = await replayEvent(model, { from, to, reduction, measure, window });
  const deepest = f.maxReduction ? await maxReduction(model, { from, to, measure, window }) : undefined;
  const out = {
    scenario: model.name,
    event: { start: formatUtcIso(stepStartMs(model.grid, from)), end: formatUtcIso(stepStartMs(model.grid, to)) },
    measure,
    qosWindow: f.qosWindow,
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
  if (f.json) {
    io.out(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const wsum = r.jobs.reduce((a, j) => a + j.weight, 0) || 1;
  io.out(
    `${model.name}: hold ${measure} power ${num(reduction * 100, 0)} % below normal (${num(r.normalKW, 1)} → ≤ ${num(r.limitKW, 1)} kW) from ${out.event.start} to ${out.event.end}\n` +
      `QoS measured over the ${f.qosWindow === 'horizon' ? 'whole horizon' : 'event'}; caps and pausing chosen to maximise the weighted performance\n\n` +
      table([
        ['job', 'weight', 'floor', f.qosWindow === 'horizon' ? 'performance' : 'performance', 'in event', 'levers'],
        ...r.jobs.map((j) => [j.id, num(j.weight / wsum, 3), num(j.floor, 2), num(j.performance, 4), num(j.eventPerformance, 4), j.levers]),
      ], 1) +
      `\n\nweighted performance: ${num(r.weightedPerformance, 4)} (in the event: ${num(r.weightedEventPerformance, 4)}); every floor met: ${r.floorsMet ? 'yes' : 'no'}; peak ${measure} power in the event ${num(r.achievedKW, 1)} kW\n` +
      (deepest !== undefined ? `deepest reduction holdable with every floor met: ${num(deepest * 100, 1)} %\n` : ''),
  );
}
