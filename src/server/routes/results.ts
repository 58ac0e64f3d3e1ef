/**
 * A succeeded run's results: the summary (the CLI's summary.json), the `--json` document, every
 * file the CLI would write (report.html with its own CSP; ledger.csv built from the stored
 * ledger), ledger pages filtered by site, time and column (JSON or CSV), bills, DR statements
 * and finance tables.
 */
import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import type { Summary } from '../../metrics/summary.ts';
import { csvField, ledgerCsv } from '../../report/index.ts';
import { parseTimestamp } from '../../time/parse.ts';
import type { LedgerInfo } from '../../store/index.ts';
import { API, type App, type RouteContext } from '../context.ts';
import { HttpError } from '../http-error.ts';
import { missingResult, resultJson, sendResult } from '../results.ts';
import { JsonDocument, PROBLEM_RESPONSES, ProblemView, ResultView, RunId } from '../schemas.ts';

const IdParams = z.object({ id: RunId });
const Format = z.enum(['json', 'csv']).optional().describe('json (default) or csv');
const tags = ['results'];
const CSV = 'text/csv; charset=utf-8';

/** Unit of a ledger column (the store keeps the ledger's own units). */
export function columnUnit(column: string, currency: string): string {
  const field = column.startsWith('workload:') ? column.slice(column.lastIndexOf(':') + 1) : column;
  if (field.endsWith('KWh')) return 'kWh';
  if (field.endsWith('KW')) return 'kW';
  const units: Record<string, string> = {
    importPrice: `${currency}/MWh`,
    exportPrice: `${currency}/MWh`,
    carbonIntensity: 'gCO2/kWh',
    gridRenewableShare: 'fraction',
    gpus: 'GPUs',
    gpuPowerW: 'W',
    throughput: 'fraction of full speed',
    workGpuHours: 'GPU-h',
    tokens: 'tokens',
    demandTokensPerSecond: 'tokens/s',
  };
  return units[field] ?? '';
}

/** A time given in the query: ISO 8601 with an offset, or local wall-clock time in the ledger's zone. */
function queryTime(text: string | undefined, name: string, timeZone: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseTimestamp(text, timeZone);
  if (!Number.isFinite(ms)) throw new HttpError('REQUEST_INVALID', `${name} "${text}" is not a time; write ISO 8601, e.g. 2023-07-01T00:00Z, or local time 2023-07-01T00:00 (${timeZone})`, { location: { path: `querystring.${name}` } });
  return ms;
}

const list = (s: string | undefined): string[] | undefined => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean));

/** The currency of a run (from its summary, or the result document; kept once found). */
async function currencyOf(ctx: RouteContext, runId: string): Promise<string> {
  const kept = ctx.currencies.get(runId);
  if (kept !== undefined) return kept;
  let currency: string | undefined;
  if (await ctx.store.results.getEncoded(runId, 'summary.json')) currency = (await resultJson<Summary>(ctx, runId, 'summary.json')).currency;
  else currency = (await resultJson<{ currency?: string }>(ctx, runId, 'result.json').catch(() => ({}) as { currency?: string })).currency;
  if (currency === undefined) return '';
  ctx.currencies.set(runId, currency);
  return currency;
}

async function ledgerInfoOrWhy(ctx: RouteContext, runId: string): Promise<LedgerInfo> {
  const info = await ctx.store.ledgers.info(runId);
  return info ?? missingResult(ctx, runId, 'ledger.csv', 'ledger');
}

/** Registers the result routes. */
export function registerResultRoutes(app: App, ctx: RouteContext): void {
  app.get(
    `${API}/runs/:id/summary`,
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "The run's summary: the CLI's summary.json",
        description: 'KPIs of the fleet, each site and each month (PUE, direct green ratio, cost, CO2, tokens per joule, …), jobs and QoS. For compare, the cheapest policy\'s run; for flex and finance, the base run; for dr, the fleet after the events. A sweep has none (404).',
        params: IdParams,
        response: { 200: JsonDocument, 409: ProblemView, ...PROBLEM_RESPONSES },
      },
    },
    async (request, reply) => sendResult(ctx, request, reply, request.params.id, 'summary.json'),
  );

  app.get(
    `${API}/runs/:id/result`,
    { config: { role: 'viewer' }, schema: { tags, summary: "What the command prints with --json", params: IdParams, response: { 200: JsonDocument, 409: ProblemView, ...PROBLEM_RESPONSES } } },
    async (request, reply) => sendResult(ctx, request, reply, request.params.id, 'result.json'),
  );

  app.get(
    `${API}/runs/:id/files`,
    {
      config: { role: 'viewer' },
      schema: { tags, summary: "The run's files: what --out writes, plus result.json, output.txt and bills", params: IdParams, response: { 200: z.object({ files: z.array(ResultView) }), 409: ProblemView, ...PROBLEM_RESPONSES } },
    },
    async (request) => {
      const id = request.params.id;
      const stored = await ctx.store.results.list(id);
      if (stored.length === 0) await missingResult(ctx, id, 'files', 'files');
      const files = stored.map((r) => ({ name: r.name, kind: r.kind, mediaType: r.mediaType, sha256: r.sha256, sizeBytes: r.sizeBytes, href: `${API}/runs/${id}/files/${r.name}` }));
      const info = await ctx.store.ledgers.info(id);
      if (info) files.push({ name: 'ledger.csv', kind: 'artefact', mediaType: CSV, sha256: '', sizeBytes: 0, href: `${API}/runs/${id}/files/ledger.csv` });
      return { files: files.sort((a, b) => (a.name < b.name ? -1 : 1)) } as never;
    },
  );

  app.get(
    `${API}/runs/:id/files/*`,
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'One file of the run (report.html, CSV tables, JSON documents, OpenADR events)',
        description: 'report.html is served with its own Content-Security-Policy (inline script by hash, no requests). ledger.csv is written from the stored ledger, as the CLI writes it.',
        params: z.object({ id: RunId, '*': z.string().min(1).max(512) }),
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const name = request.params['*'];
      if (name === 'ledger.csv' && !(await ctx.store.results.getEncoded(id, name))) {
        await ledgerInfoOrWhy(ctx, id);
        const [ledger, info, currency] = await Promise.all([ctx.store.ledgers.load(id), ctx.store.ledgers.info(id), currencyOf(ctx, id)]);
        const zones = info!.sites.map((s) => s.timeZone);
        reply.type(CSV).header('content-disposition', 'attachment; filename="ledger.csv"');
        return reply.send([...ledgerCsv(ledger, zones, currency)].join(''));
      }
      return sendResult(ctx, request, reply, id, name, { download: /\.csv$/.test(name) });
    },
  );

  app.get(
    `${API}/runs/:id/ledger/info`,
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "The stored ledger's shape: time grid, sites, columns and their units",
        params: IdParams,
        response: {
          200: z.object({
            policy: z.string(),
            grid: z.object({ start: z.string(), stepMinutes: z.number(), steps: z.number(), timeZone: z.string() }),
            sites: z.array(z.object({ id: z.string(), timeZone: z.string(), workloads: z.array(z.object({ id: z.string(), type: z.string() })) })),
            siteColumns: z.array(z.string()),
            workloadColumns: z.array(z.string()),
            units: z.record(z.string(), z.string()),
          }),
          409: ProblemView,
          ...PROBLEM_RESPONSES,
        },
      },
    },
    async (request) => {
      const info = await ledgerInfoOrWhy(ctx, request.params.id);
      const currency = await currencyOf(ctx, request.params.id);
      const columns = [...info.siteColumns, ...info.workloadColumns];
      return {
        policy: info.policy,
        grid: { start: new Date(info.grid.startMs).toISOString(), stepMinutes: info.grid.stepMinutes, steps: info.grid.steps, timeZone: info.grid.timeZone },
        sites: info.sites.map((s) => ({ id: s.id, timeZone: s.timeZone, workloads: s.workloads.map((w) => ({ id: w.id, type: w.type })) })),
        siteColumns: info.siteColumns,
        workloadColumns: info.workloadColumns,
        units: Object.fromEntries(columns.map((c) => [c, columnUnit(c, currency)])),
      } as never;
    },
  );

  app.get(
    `${API}/runs/:id/ledger`,
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'A page of the ledger: rows by site, then step',
        description:
          'Steps starting in [from, to); times are ISO 8601 with an offset, or local wall-clock time in the horizon\'s zone. Each row carries the step start in UTC and in the site\'s local time. Page with `next` (JSON) or the Link header (CSV). Non-finite values are null (JSON) or empty (CSV).',
        params: IdParams,
        querystring: z
          .object({
            site: z.string().max(4096).optional().describe('comma-separated site ids (default all)'),
            from: z.string().max(64).optional(),
            to: z.string().max(64).optional(),
            columns: z.string().max(16384).optional().describe('comma-separated columns (default every site column; see /ledger/info)'),
            format: Format,
            limit: z.coerce.number().int().min(1).max(100_000).optional().describe('rows per page (default 1,000)'),
            cursor: z.string().max(256).optional(),
          })
          .strict(),
        response: {
          200: z.object({
            columns: z.array(z.string()),
            units: z.array(z.string()),
            rows: z.array(z.object({ site: z.string(), step: z.number(), time: z.string(), localTime: z.string(), values: z.array(z.number().nullable()) })),
            next: z.string().nullable(),
          }),
          409: ProblemView,
          ...PROBLEM_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const q = request.query;
      const info = await ledgerInfoOrWhy(ctx, id);
      const page = await ctx.store.ledgers.read(id, {
        ...(q.site ? { sites: list(q.site) } : {}),
        ...(q.columns ? { columns: list(q.columns) } : {}),
        ...(q.from !== undefined ? { fromMs: queryTime(q.from, 'from', info.grid.timeZone) } : {}),
        ...(q.to !== undefined ? { toMs: queryTime(q.to, 'to', info.grid.timeZone) } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      const currency = await currencyOf(ctx, id);
      const units = page.columns.map((c) => columnUnit(c, currency));
      const nextUrl = page.next ? `${API}/runs/${id}/ledger?${new URLSearchParams({ ...(q as Record<string, string>), cursor: page.next }).toString()}` : null;
      if (page.next) reply.header('link', `<${nextUrl}>; rel="next"`);
      if (q.format === 'csv') {
        const lines = [['site', 'step', 'time_utc', 'time_local', ...page.columns.map((c, i) => (units[i] ? `${c} (${units[i]})` : c))].map(csvField).join(',')];
        for (const r of page.rows) lines.push(`${csvField(r.site)},${r.step},${new Date(r.timeMs).toISOString()},${r.localTime},${r.values.map((v) => (Number.isFinite(v) ? String(v) : '')).join(',')}`);
        return reply.type(CSV).send(`${lines.join('\n')}\n` as never);
      }
      // written by hand: a 1,000-row page is sent without a schema pass per value
      let body = `{"columns":${JSON.stringify(page.columns)},"units":${JSON.stringify(units)},"rows":[`;
      body += page.rows
        .map((r) => `{"site":${JSON.stringify(r.site)},"step":${r.step},"time":"${new Date(r.timeMs).toISOString()}","localTime":"${r.localTime}","values":[${r.values.map((v) => (Number.isFinite(v) ? String(v) : 'null')).join(',')}]}`)
        .join(',');
      body += `],"next":${JSON.stringify(page.next)}}`;
      return reply.type('application/json; charset=utf-8').send(body as never);
    },
  );

  app.get(
    `${API}/runs/:id/bills`,
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "Electricity bills per site (energy, demand, capacity, adjustments, export credit) by month",
        params: IdParams,
        querystring: z.object({ format: Format }).strict(),
        response: { 200: z.array(JsonDocument), 409: ProblemView, ...PROBLEM_RESPONSES },
      },
    },
    async (request, reply) => {
      if (request.query.format === 'csv') return sendResult(ctx, request, reply, request.params.id, 'bills.csv');
      return sendResult(ctx, request, reply, request.params.id, 'bills.json');
    },
  );

  const documentRoute = (path: string, summary: string, json: string, csv: string, which: string): void => {
    app.get(
      `${API}/runs/:id/${path}`,
      { config: { role: 'viewer' }, schema: { tags, summary, description: `JSON: ${json}; CSV: ${csv}. ${which}`, params: IdParams, querystring: z.object({ format: Format }).strict(), response: { 200: JsonDocument, 409: ProblemView, ...PROBLEM_RESPONSES } } },
      async (request, reply: FastifyReply) => {
        const { id } = request.params as { id: string };
        return sendResult(ctx, request, reply, id, (request.query as { format?: string }).format === 'csv' ? csv : json);
      },
    );
  };
  documentRoute('dr', 'DR statement: events, delivery against baselines, pay and penalties per site', 'settlement.json', 'settlement.csv', 'dr runs have it; settlement-intervals.csv and openadr/*.json are under /files.');
  documentRoute('finance', 'Finance tables: cash flows, NPV, IRR, payback per AI production line, break-evens, tornado, sweep', 'finance.json', 'cashflows.csv', 'finance runs have it; sweep.csv is under /files.');
  documentRoute('flex', 'Flexibility envelope: reduction and increase each site can hold, for how long, at what cost', 'envelope.json', 'envelope.csv', 'flex runs have it.');
  documentRoute('comparison', 'Policies side by side', 'compare.json', 'compare.csv', 'compare runs have it.');
}
