/**
 * Views across runs: the fleet overview (every site with the KPIs of its latest succeeded run)
 * and the comparison of two runs (KPI deltas for the fleet and each site).
 */
import { z } from 'zod';
import type { Kpis, SiteSummary, Summary } from '../../metrics/summary.ts';
import type { Run } from '../../store/index.ts';
import { API, getRun, type App, type RouteContext } from '../context.ts';
import { resultJson } from '../results.ts';
import { PROBLEM_RESPONSES, ProblemView, RunId, ScenarioId } from '../schemas.ts';

/** The KPIs compared, with their units (`{currency}` is the run's currency). */
export const KPI_UNITS: Partial<Record<keyof Kpis, string>> = {
  energyCost: '{currency}',
  storageDegradationCost: '{currency}',
  energyCostPerMillionTokens: '{currency}/M tokens',
  pue: 'ratio',
  directGreenRatio: 'fraction',
  renewableShare: 'fraction',
  co2Tonnes: 't CO2',
  itEnergyMWh: 'MWh',
  coolingEnergyMWh: 'MWh',
  lossesEnergyMWh: 'MWh',
  fixedEnergyMWh: 'MWh',
  facilityEnergyMWh: 'MWh',
  gridImportMWh: 'MWh',
  gridExportMWh: 'MWh',
  renewableAvailableMWh: 'MWh',
  renewableCurtailedMWh: 'MWh',
  directGreenMWh: 'MWh',
  storageThroughputMWh: 'MWh',
  shortfallMWh: 'MWh',
  peakImportMW: 'MW',
  tokens: 'tokens',
  tokensPerJouleIT: 'tokens/J',
  tokensPerJouleFacility: 'tokens/J',
  unservedWork: 'GPU-h',
  unservedTokens: 'tokens',
  lateJobs: 'jobs',
  sloAttainment: 'fraction',
};

/** One KPI of two runs and the change from a to b. */
export interface KpiDelta {
  kpi: string;
  unit: string;
  a: number | null;
  b: number | null;
  /** b − a (null when either is missing). */
  delta: number | null;
  /** (b − a) / |a| × 100 (null when a is 0 or missing). */
  deltaPercent: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** KPI deltas between two KPI sets. */
export function kpiDeltas(a: Partial<Kpis> | undefined, b: Partial<Kpis> | undefined, currency: string): KpiDelta[] {
  return Object.entries(KPI_UNITS).map(([kpi, unit]) => {
    const x = num(a?.[kpi as keyof Kpis]);
    const y = num(b?.[kpi as keyof Kpis]);
    const delta = x !== null && y !== null ? y - x : null;
    return { kpi, unit: unit.replace('{currency}', currency), a: x, b: y, delta, deltaPercent: delta !== null && x !== null && x !== 0 ? (delta / Math.abs(x)) * 100 : null };
  });
}

const KpiDeltaView = z.object({ kpi: z.string(), unit: z.string(), a: z.number().nullable(), b: z.number().nullable(), delta: z.number().nullable(), deltaPercent: z.number().nullable() });
const RunRef = z.object({ id: z.string(), command: z.string(), scenarioId: z.string(), scenario: z.string(), policy: z.string(), currency: z.string(), finishedAt: z.string().nullable() });

function runRef(run: Run, s: Summary): z.infer<typeof RunRef> {
  return { id: run.id, command: run.command, scenarioId: run.scenarioId, scenario: s.scenario, policy: s.policy, currency: s.currency, finishedAt: run.finishedAtMs === null ? null : new Date(run.finishedAtMs).toISOString() };
}

/** How many recent runs the fleet overview looks through. */
const FLEET_RUNS = 200;

/** Registers the fleet and compare routes. */
export function registerFleetRoutes(app: App, ctx: RouteContext): void {
  app.get(
    `${API}/fleet`,
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['fleet'],
        summary: 'Every site with the KPIs of its latest succeeded run',
        description: `Looks through the ${FLEET_RUNS} most recent succeeded runs that have a summary; a site is known by its id.`,
        querystring: z.object({ scenarioId: ScenarioId.optional().describe('only runs of this scenario') }).strict(),
        response: {
          200: z.object({
            sites: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                timeZone: z.string(),
                installedItMW: z.number(),
                designPue: z.number(),
                run: RunRef,
                kpis: z.object({
                  pue: z.number().nullable().describe('null when the site had no IT energy'),
                  directGreenRatio: z.number(),
                  greenTarget: z.number().nullable(),
                  energyCost: z.number(),
                  energyCostPerMillionTokens: z.number().nullable(),
                  tokensPerJouleIT: z.number().nullable(),
                  tokensPerJouleFacility: z.number().nullable(),
                  co2Tonnes: z.number(),
                  peakImportMW: z.number(),
                  sloAttainment: z.number(),
                }),
              }),
            ),
            runs: z.object({ queued: z.number(), running: z.number() }).describe('what this server executes now'),
          }),
          ...PROBLEM_RESPONSES,
        },
      },
    },
    async (request) => {
      const seen = new Map<string, Record<string, unknown>>();
      let cursor: string | undefined;
      let looked = 0;
      while (looked < FLEET_RUNS) {
        const page = await ctx.store.runs.list({ status: 'succeeded', limit: 100, ...(request.query.scenarioId ? { scenarioId: request.query.scenarioId } : {}), ...(cursor ? { cursor } : {}) });
        for (const run of page.runs) {
          looked++;
          const enc = await ctx.store.results.getEncoded(run.id, 'summary.json');
          if (!enc) continue;
          const s = await resultJson<Summary>(ctx, run.id, 'summary.json');
          for (const site of s.sites as SiteSummary[]) {
            if (seen.has(site.id)) continue;
            seen.set(site.id, {
              id: site.id,
              name: site.name,
              timeZone: site.timeZone,
              installedItMW: site.installedItMW,
              designPue: site.designPue,
              run: runRef(run, s),
              kpis: {
                pue: site.pue,
                directGreenRatio: site.directGreenRatio,
                greenTarget: site.greenTarget ?? null,
                energyCost: site.energyCost,
                energyCostPerMillionTokens: site.energyCostPerMillionTokens,
                tokensPerJouleIT: site.tokensPerJouleIT,
                tokensPerJouleFacility: site.tokensPerJouleFacility,
                co2Tonnes: site.co2Tonnes,
                peakImportMW: site.peakImportMW,
                sloAttainment: site.sloAttainment,
              },
            });
          }
        }
        if (!page.next) break;
        cursor = page.next;
      }
      const stats = ctx.executor.stats();
      return { sites: [...seen.values()].sort((x, y) => String(x.id).localeCompare(String(y.id))), runs: { queued: stats.queued, running: stats.running } } as never;
    },
  );

  app.get(
    `${API}/compare`,
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['fleet'],
        summary: 'KPI deltas between two runs (b − a), for the fleet and each site',
        querystring: z.object({ a: RunId, b: RunId }).strict(),
        response: {
          200: z.object({
            a: RunRef,
            b: RunRef,
            fleet: z.array(KpiDeltaView),
            qos: z.object({ a: z.number().nullable(), b: z.number().nullable() }),
            sites: z.array(z.object({ id: z.string(), in: z.enum(['both', 'a', 'b']), kpis: z.array(KpiDeltaView) })),
          }),
          409: ProblemView,
          ...PROBLEM_RESPONSES,
        },
      },
    },
    async (request) => {
      const [ra, rb] = await Promise.all([getRun(ctx, request.query.a), getRun(ctx, request.query.b)]);
      const [sa, sb] = await Promise.all([resultJson<Summary>(ctx, ra.id, 'summary.json'), resultJson<Summary>(ctx, rb.id, 'summary.json')]);
      const currency = sa.currency === sb.currency ? sa.currency : `${sa.currency}|${sb.currency}`;
      const ids = [...new Set([...sa.sites.map((s) => s.id), ...sb.sites.map((s) => s.id)])];
      return {
        a: runRef(ra, sa),
        b: runRef(rb, sb),
        fleet: kpiDeltas(sa.fleet, sb.fleet, currency),
        qos: { a: sa.qos?.weighted ?? null, b: sb.qos?.weighted ?? null },
        sites: ids.map((id) => {
          const x = sa.sites.find((s) => s.id === id);
          const y = sb.sites.find((s) => s.id === id);
          return { id, in: x && y ? 'both' : x ? 'a' : 'b', kpis: kpiDeltas(x, y, currency) };
        }),
      } as never;
    },
  );
}
