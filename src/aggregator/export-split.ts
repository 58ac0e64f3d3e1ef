/**
 * The aggregator's split of a fleet export limit (an upstream EXPORT_CAPACITY_LIMIT): at each
 * step the fleet's planned export above the limit is taken off the called sites by their export
 * flexibility, and each site gets an export limit per measurement interval.
 *
 * A site's export flexibility at a step is the planned export it can take off: its renewable
 * export (absorbed on site or curtailed) and its battery's discharge to the grid, never more than
 * its planned export. What a site can use on site goes first, so energy is kept rather than
 * thrown away: storage charge room (spread over the event, as the replay's storage lever counts
 * it) and added load (capped jobs uncapped, later batch work pulled forward onto free GPUs, the
 * replay's increase levers), less the renewable power the plan already curtails, which added load
 * takes first. That first part is shared in proportion to what each site can keep; the rest in
 * proportion to each site's remaining flexibility, which the site meets by curtailing. Within
 * its own limit each site's VEN then chooses its levers (storage, uncapping, work pulled forward,
 * curtailment) with its event-window LP. A site's limit over an interval is the lowest of its
 * steps' limits, so the fleet stays under the limit at every step.
 */
import type { FleetModel } from '../model/fleet-model.ts';
import { flexContext, siteSegments, type FlexContext, type LeverOptions } from '../programs/levers.ts';
import type { GridEvent, ResolvedProgram } from '../programs/types.ts';
import type { Dispatch } from '../simulate/dispatch.ts';
import type { Ledger } from '../simulate/ledger.ts';
import { stepHours, stepStartMs } from '../time/grid.ts';
import { eventWindow, type FleetSplit, type SiteShare } from './split.ts';

/** One span of the fleet's export limit, kW. */
export interface ExportLimitPiece {
  startMs: number;
  endMs: number;
  limitKW: number;
}

/** Splits a fleet export limit across the event's (or the program's) sites. */
export function splitExportLimit(model: FleetModel, base: Dispatch, baseLedger: Ledger, program: ResolvedProgram, event: GridEvent, limits: ExportLimitPiece[]): FleetSplit {
  const w = eventWindow(model, program, event, false);
  const { startStep, endStep, stepsPerInterval: k, sites } = w;
  const len = endStep - startStep;
  const J = len / k;
  const ctx = flexContext(model, base, baseLedger, new Set(sites));
  const hours = len * stepHours(model.grid);
  const amounts = sites.map(() => new Float64Array(len));
  const limited = new Uint8Array(len);
  const requiredKW = new Float64Array(len);
  const targetKW = new Float64Array(J);
  for (let q = 0; q < len; q++) {
    const t = startStep + q;
    const ms = stepStartMs(model.grid, t);
    const piece = limits.find((p) => p.startMs <= ms && ms < p.endMs);
    if (!piece) continue;
    limited[q] = 1;
    const flex = sites.map((s) => {
      const L = baseLedger.sites[s]!;
      return Math.max(0, Math.min(L.gridExportKW[t]!, L.renewableExportKW[t]! + L.storageToGridKW[t]!));
    });
    let exported = 0;
    for (const s of sites) exported += baseLedger.sites[s]!.gridExportKW[t]!;
    const need = Math.max(0, exported - piece.limitKW);
    requiredKW[q] = need;
    targetKW[Math.floor(q / k)] = Math.max(targetKW[Math.floor(q / k)]!, need);
    if (!(need > 1e-9)) continue;
    // kept first: what each site can take on site over the event (storage, added load), within its flexibility
    const soc = (s: number) => (startStep > 0 ? baseLedger.sites[s]!.socKWh[startStep - 1]! : (model.sites[s]!.storage?.socInitialKWh ?? 0));
    const absorb = sites.map((s, si) => Math.min(flex[si]!, keptKW(ctx, s, t, { direction: 'increase', hours, end: endStep, socAtStart: soc(s) })));
    const absorbSum = absorb.reduce((a, b) => a + b, 0);
    const first = Math.min(need, absorbSum);
    sites.forEach((_, si) => (amounts[si]![q] = absorbSum > 0 ? (first * absorb[si]!) / absorbSum : 0));
    // the rest in proportion to the flexibility left
    const left = flex.map((f, si) => Math.max(0, f - amounts[si]![q]!));
    const leftSum = left.reduce((a, b) => a + b, 0);
    const rest = Math.min(need - first, leftSum);
    if (rest > 1e-9) sites.forEach((_, si) => (amounts[si]![q]! += (rest * left[si]!) / leftSum));
  }
  const shares: SiteShare[] = sites.map((s, si) => {
    const L = baseLedger.sites[s]!;
    const limitKW: number[] = [];
    for (let j = 0; j < J; j++) {
      let lim = Number.POSITIVE_INFINITY;
      let most = 0;
      for (let q = j * k; q < (j + 1) * k; q++) {
        const planned = L.gridExportKW[startStep + q]!;
        most = Math.max(most, planned);
        if (limited[q]) lim = Math.min(lim, Math.max(0, planned - amounts[si]![q]!));
      }
      // an interval the upstream event does not limit: a limit that asks nothing of the plan
      limitKW.push(Number.isFinite(lim) ? lim : most);
    }
    return { site: s, id: model.sites[s]!.id, amountKW: amounts[si]!, limitKW, plannedDeliveryKW: new Float64Array(J) };
  });
  return { kind: 'export', event, startStep, endStep, stepsPerInterval: k, intervalMinutes: w.intervalMinutes, intervalStartMs: w.intervalStartMs, forecastTargetKW: targetKW, requiredKW, sites: shares, eventDays: w.eventDays };
}

/**
 * Export a site can take off at step `t` by using the power on site: the load its increase levers
 * add (storage charge, uncapping, work pulled forward) less the renewable power its plan
 * curtails, which that load takes first.
 */
function keptKW(ctx: FlexContext, s: number, t: number, opt: LeverOptions): number {
  let added = 0;
  for (const seg of siteSegments(ctx, s, t, { ...opt, atMeter: false })) added += seg.kw;
  return Math.max(0, added - ctx.ledger.sites[s]!.renewableCurtailedKW[t]!);
}
