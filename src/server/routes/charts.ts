/**
 * Chart-ready data for the dashboard, built by the same data functions as the HTML report, so
 * a page draws them with the report's option builders (src/report/charts): a site's power
 * flows over a time window (bucket means, so every point's energy is right), its energy-flow
 * Sankey, and monthly PUE, direct green ratio, energy and cost.
 */
import { z } from 'zod';
import type { Summary } from '../../metrics/summary.ts';
import { monthlyEnergyData, monthlyPueData, powerFlowData, siteEnergyFlows, timeBuckets } from '../../report/index.ts';
import type { Ledger } from '../../simulate/ledger.ts';
import { stepHours } from '../../time/grid.ts';
import { parseTimestamp } from '../../time/parse.ts';
import { API, type App, type RouteContext } from '../context.ts';
import { HttpError } from '../http-error.ts';
import { missingResult, resultJson } from '../results.ts';
import { JsonDocument, PROBLEM_RESPONSES, ProblemView, RunId } from '../schemas.ts';

const tags = ['charts'];

/** One site's ledger (cached: a succeeded run's ledger never changes). */
async function siteLedger(ctx: RouteContext, runId: string, site: string): Promise<{ ledger: Ledger; timeZone: string }> {
  const info = await ctx.store.ledgers.info(runId);
  if (!info) return missingResult(ctx, runId, 'ledger.csv', 'ledger');
  const s = info.sites.find((x) => x.id === site);
  if (!s) throw new HttpError('REQUEST_INVALID', `unknown site "${site}"; the run's sites are ${info.sites.map((x) => x.id).slice(0, 30).join(', ')}`, { location: { path: 'querystring.site' } });
  const key = `${runId}|${site}`;
  let p = ctx.siteLedgers.get(key);
  if (!p) {
    p = ctx.store.ledgers.load(runId, { sites: [site] });
    ctx.siteLedgers.set(key, p);
    p.catch(() => ctx.siteLedgers.delete(key));
  }
  return { ledger: await p, timeZone: s.timeZone };
}

/** [from, to) as steps of the ledger's grid. */
function stepRange(ledger: Ledger, from: string | undefined, to: string | undefined): [number, number] {
  const { grid } = ledger;
  const stepMs = grid.stepMinutes * 60_000;
  const at = (text: string | undefined, name: string, fallback: number): number => {
    if (text === undefined) return fallback;
    const ms = parseTimestamp(text, grid.timeZone);
    if (!Number.isFinite(ms)) throw new HttpError('REQUEST_INVALID', `${name} "${text}" is not a time; write ISO 8601 with an offset, or local time in ${grid.timeZone}`, { location: { path: `querystring.${name}` } });
    return Math.min(grid.steps, Math.max(0, Math.ceil((ms - grid.startMs) / stepMs)));
  };
  const a = at(from, 'from', 0);
  const b = at(to, 'to', grid.steps);
  if (a >= b) throw new HttpError('REQUEST_INVALID', `the window [${from ?? 'start'}, ${to ?? 'end'}) holds no step of the horizon`, { location: { path: 'querystring.from' } });
  return [a, b];
}

const Window = {
  site: z.string().min(1).max(256).describe('site id'),
  from: z.string().max(64).optional().describe('ISO 8601 with an offset, or local time in the horizon zone'),
  to: z.string().max(64).optional(),
};

/** Registers the chart-data routes. */
export function registerChartRoutes(app: App, ctx: RouteContext): void {
  const params = z.object({ id: RunId });

  app.get(
    `${API}/runs/:id/charts/power`,
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "A site's power flows over a window, for powerFlowOption (src/report/charts)",
        description:
          'Uses (IT by workload, cooling, losses, storage charge, export) stacked up, sources (renewables, storage discharge, grid import) stacked down, prices, and the stored energy (`soc`, kWh or MWh) of a site with storage; bucket means of at most maxPoints points (daily means beyond 60 days). x is local wall-clock time written as UTC milliseconds (draw with useUTC). `window` gives the steps drawn and `pointSteps` the first ledger step of each point, so a client can ask for a finer window (step s starts at startMs + s × stepMinutes minutes, UTC).',
        params,
        querystring: z
          .object({
            ...Window,
            maxPoints: z.coerce.number().int().min(10).max(5000).optional().describe('points per series (default 400)'),
            soc: z.enum(['true', 'false']).optional().describe('include the stored energy of a site with storage (default true)'),
          })
          .strict(),
        response: { 200: JsonDocument, 409: ProblemView, ...PROBLEM_RESPONSES },
      },
    },
    async (request) => {
      const q = request.query;
      const { ledger, timeZone } = await siteLedger(ctx, request.params.id, q.site);
      const [from, to] = stepRange(ledger, q.from, q.to);
      const { currency } = await resultJson<Summary>(ctx, request.params.id, 'summary.json').catch(() => ({ currency: '' }));
      const maxPoints = q.maxPoints ?? 400;
      const data = powerFlowData(ledger.sites[0]!, ledger.grid, timeZone, { from, to, maxPoints, title: `${q.site}: power flows`, currency, soc: q.soc !== 'false' });
      const buckets = timeBuckets(ledger.grid, timeZone, from, to, maxPoints);
      const pointSteps: number[] = [];
      for (let i = 0; i < buckets.bucketOf.length; i++) if (i === 0 || buckets.bucketOf[i] !== buckets.bucketOf[i - 1]) pointSteps.push(from + i);
      return {
        ...data,
        x: Array.from(data.x),
        window: { fromStep: from, toStep: to, steps: ledger.grid.steps, startMs: ledger.grid.startMs, stepMinutes: ledger.grid.stepMinutes },
        pointSteps,
      } as never;
    },
  );

  app.get(
    `${API}/runs/:id/charts/energy-flows`,
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "A site's energy flows over a window (Sankey), for energySankeyOption",
        params,
        querystring: z.object(Window).strict(),
        response: { 200: JsonDocument, 409: ProblemView, ...PROBLEM_RESPONSES },
      },
    },
    async (request) => {
      const q = request.query;
      const { ledger } = await siteLedger(ctx, request.params.id, q.site);
      const [from, to] = stepRange(ledger, q.from, q.to);
      return siteEnergyFlows(ledger.sites[0]!, { title: `${q.site}: energy flows`, stepHours: stepHours(ledger.grid), from, to }) as never;
    },
  );

  app.get(
    `${API}/runs/:id/charts/monthly`,
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Monthly PUE and direct green ratio, energy and cost (a site, or the fleet), for monthlyPueOption and monthlyEnergyCostOption',
        params,
        querystring: z.object({ site: z.string().min(1).max(256).optional().describe('site id (default: the fleet)') }).strict(),
        response: { 200: z.object({ pue: JsonDocument, energy: JsonDocument }), 409: ProblemView, ...PROBLEM_RESPONSES },
      },
    },
    async (request) => {
      const summary = await resultJson<Summary>(ctx, request.params.id, 'summary.json');
      const site = request.query.site;
      if (site === undefined) {
        return { pue: monthlyPueData(summary.fleet.months, null, 'Fleet: monthly PUE and direct green ratio'), energy: monthlyEnergyData(summary.fleet.months, summary.currency, 'Fleet: monthly energy and electricity cost') } as never;
      }
      const s = summary.sites.find((x) => x.id === site);
      if (!s) throw new HttpError('REQUEST_INVALID', `unknown site "${site}"; the run's sites are ${summary.sites.map((x) => x.id).slice(0, 30).join(', ')}`, { location: { path: 'querystring.site' } });
      const target = s.greenTarget ?? null;
      return {
        pue: monthlyPueData(s.months, s.designPue, `${s.name}: monthly PUE and direct green ratio`, target),
        energy: monthlyEnergyData(s.months, summary.currency, `${s.name}: monthly energy and electricity cost`),
      } as never;
    },
  );
}
