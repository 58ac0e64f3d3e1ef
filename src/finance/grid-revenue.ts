/**
 * DR revenue from the grid-programs stage: every program the scenario declares is replayed on
 * the base dispatch with its own events (capacity pay included), and the fleet's share of the
 * settlement — payments − penalties − the aggregator's share — becomes revenue per year. Only
 * the settlement is counted: the replay's bill change and lost work are not (docs/finance.md §4).
 */
import { InputError } from '../errors/index.ts';
import type { FleetModel } from '../model/fleet-model.ts';
import { programEvents } from '../programs/events.ts';
import { resolveProgram, scenarioPrograms } from '../programs/program.ts';
import { replayEvents } from '../programs/replay.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { stepHours } from '../time/grid.ts';

/** DR revenue per year and what was done to get it; null when the scenario has no programs. */
export interface GridProgramRevenue {
  perYear: number;
  programs: Array<{ id: string; events: number; fleetNet: number }>;
  notes: string[];
}

/** Replays and settles the scenario's grid programs; a program that cannot be replayed is skipped with a note. */
export function gridProgramRevenue(model: FleetModel, dispatch: Dispatch, ledger: Ledger): GridProgramRevenue | null {
  const specs = scenarioPrograms(model);
  if (specs.length === 0) return null;
  const notes: string[] = [];
  const programs: GridProgramRevenue['programs'] = [];
  for (const spec of specs) {
    try {
      const { program } = resolveProgram(model, { id: spec.id });
      const { events } = programEvents(model, program, spec);
      if (events.length === 0) {
        notes.push(`grid program "${spec.id}" has no events in the horizon: no DR revenue from it`);
        continue;
      }
      const r = replayEvents(model, dispatch, ledger, program, events, { capacity: true });
      programs.push({ id: spec.id, events: events.length, fleetNet: r.totals.net - r.totals.aggregatorKeeps });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      notes.push(`grid program "${spec.id}" could not be replayed (${e.message}): no DR revenue from it`);
    }
  }
  const hours = model.grid.steps * stepHours(model.grid);
  const perYear = (programs.reduce((a, p) => a + p.fleetNet, 0) * 8760) / Math.max(1, hours);
  for (const p of programs) notes.push(`grid program "${p.id}": ${p.events} events settled on the base dispatch; the fleet's share ${p.fleetNet.toFixed(0)} ${model.currency}${Math.abs(hours - 8760) > 26 ? ' (scaled to a year)' : ''} is DR revenue`);
  return { perYear, programs, notes };
}
