/**
 * Runs: start one (an example or a stored scenario, a command and its options: 202 and the
 * run's id), list them, read one, cancel, rerun, and follow one live (server-sent events).
 */
import { z } from 'zod';
import { InputError } from '../../errors/index.ts';
import { checkCommandOptions, type RunCommand } from '../../runs/commands.ts';
import { QueueFullError } from '../../runs/executor.ts';
import { RUN_STATUSES, TERMINAL_STATUSES, type Run, type RunStatus } from '../../store/index.ts';
import { exampleBundle } from '../bundles.ts';
import { API, getRun, runLinks, runView, type App, type RouteContext } from '../context.ts';
import { ALL_RUNS } from '../auth.ts';
import { HttpError } from '../http-error.ts';
import { PROBLEM_RESPONSES, ProblemView, RunAccepted, RunId, RunPageView, RunView, StartRun } from '../schemas.ts';
import { openEventStream, openRunsStream } from '../sse.ts';

/** `--lp-method` → `lpMethod`. */
function fieldOfFlag(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** The use case's option checks, with the problem pointing into the request body. */
async function checkOptions(command: RunCommand, options: Record<string, unknown>): Promise<void> {
  try {
    await checkCommandOptions(command, options);
  } catch (e) {
    if (e instanceof InputError && e.code === 'OPTION_INVALID') {
      const path = e.location.path?.startsWith('--') ? `body.options.${fieldOfFlag(e.location.path)}` : (e.location.path ?? 'body.options');
      throw new HttpError('REQUEST_INVALID', e.message, { location: { path }, errors: [{ message: e.message, path }, ...e.details.map((d) => ({ message: d }))] });
    }
    throw e;
  }
}

/** The stored scenario of a bundled example (stored on first use; later uses find it). */
export async function exampleScenarioId(ctx: RouteContext, name: string, createdBy: string | null): Promise<string> {
  const known = ctx.exampleIds.get(name);
  if (known && (await ctx.store.scenarios.get(known))) return known;
  let bundle;
  try {
    bundle = exampleBundle(name, ctx.options.examplesDir);
  } catch (e) {
    if (e instanceof InputError && e.location.path === 'example') throw new HttpError('REQUEST_INVALID', e.message, { location: { path: 'body.example' } });
    throw e;
  }
  const { scenario } = await ctx.store.scenarios.put(bundle, { name, createdBy });
  ctx.exampleIds.set(name, scenario.id);
  return scenario.id;
}

/** Creates a run in a reserved queue place and queues it. */
async function queueRun(ctx: RouteContext, create: () => Promise<Run>): Promise<Run> {
  const slot = ctx.executor.reserve();
  let run: Run;
  try {
    run = await create();
  } catch (e) {
    slot.release();
    throw e;
  }
  slot.submit(run.id);
  return run;
}

const IdParams = z.object({ id: RunId });

/** Registers the run routes. */
export function registerRunRoutes(app: App, ctx: RouteContext): void {
  const tags = ['runs'];

  app.post(
    `${API}/runs`,
    {
      config: { role: 'operator' },
      schema: {
        tags,
        summary: 'Start a run',
        description: 'Checks the options (as the CLI does), stores the run as queued and answers at once; the run executes off the request thread. A full queue answers 503 with Retry-After.',
        body: StartRun,
        response: { 202: RunAccepted, 503: ProblemView, ...PROBLEM_RESPONSES },
      },
    },
    async (request, reply) => {
      const body = request.body as { command: RunCommand; example?: string; scenarioId?: string; options?: Record<string, unknown> };
      if ((body.example === undefined) === (body.scenarioId === undefined)) {
        throw new HttpError('REQUEST_INVALID', 'give exactly one of example (a bundled example by name) and scenarioId (a stored scenario)', { location: { path: 'body.scenarioId' } });
      }
      const options = body.options ?? {};
      await checkOptions(body.command, options);
      const createdBy = request.auth?.tokenId ?? null;
      let scenarioId: string;
      if (body.example !== undefined) scenarioId = await exampleScenarioId(ctx, body.example, createdBy);
      else {
        scenarioId = body.scenarioId!;
        if (!(await ctx.store.scenarios.get(scenarioId))) throw new HttpError('REQUEST_INVALID', `no stored scenario has id ${scenarioId}; upload it with POST ${API}/scenarios`, { location: { path: 'body.scenarioId' } });
      }
      const run = await queueRun(ctx, () => ctx.store.runs.create({ scenarioId, command: body.command, options: options as never, softwareVersion: ctx.options.version, createdBy }));
      return reply.code(202).header('location', `${API}/runs/${run.id}`).send({ id: run.id, status: run.status, scenarioId, links: runLinks(run.id) });
    },
  );

  app.get(
    `${API}/runs`,
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'List runs, newest first',
        querystring: z
          .object({
            status: z.string().max(200).optional().describe(`comma-separated statuses (${RUN_STATUSES.join(', ')})`),
            scenarioId: z.string().max(64).optional(),
            command: z.string().max(32).optional(),
            createdBy: z.string().max(26).optional(),
            limit: z.coerce.number().int().min(1).max(500).optional().describe('page size (default 50)'),
            cursor: z.string().max(64).optional().describe('`next` of the previous page'),
          })
          .strict(),
        response: { 200: RunPageView, ...PROBLEM_RESPONSES },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await ctx.store.runs.list({
        ...(q.status ? { status: q.status.split(',').map((s) => s.trim()) as RunStatus[] } : {}),
        ...(q.scenarioId ? { scenarioId: q.scenarioId } : {}),
        ...(q.command ? { command: q.command } : {}),
        ...(q.createdBy ? { createdBy: q.createdBy } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      return { runs: page.runs.map(runView), next: page.next } as never;
    },
  );

  app.get(
    `${API}/runs/:id`,
    { config: { role: 'viewer' }, schema: { tags, summary: 'A run: status, progress, error, timings, links', params: IdParams, response: { 200: RunView, ...PROBLEM_RESPONSES } } },
    async (request) => runView(await getRun(ctx, request.params.id)) as never,
  );

  app.post(
    `${API}/runs/:id/cancel`,
    {
      config: { role: 'operator' },
      schema: { tags, summary: 'Cancel a queued or running run', description: 'The run is recorded as cancelled at once; a running one stops at its next checkpoint.', params: IdParams, response: { 200: RunView, 409: ProblemView, ...PROBLEM_RESPONSES } },
    },
    async (request) => {
      const run = await getRun(ctx, request.params.id);
      if ((TERMINAL_STATUSES as readonly string[]).includes(run.status)) throw new HttpError('CONFLICT', `run ${run.id} is ${run.status}; only a queued or running run can be cancelled`);
      const cancelled = await ctx.store.runs.cancel(run.id, `cancelled through the API${request.auth ? ` (token ${request.auth.tokenId})` : ''}`);
      ctx.executor.cancel(run.id);
      return runView(cancelled) as never;
    },
  );

  app.post(
    `${API}/runs/:id/rerun`,
    {
      config: { role: 'operator' },
      schema: { tags, summary: 'Run the same command on the same scenario again', description: 'A new run (rerunOf names the original), whatever the original\'s status.', params: IdParams, response: { 202: RunAccepted, 503: ProblemView, ...PROBLEM_RESPONSES } },
    },
    async (request, reply) => {
      const prior = await getRun(ctx, request.params.id);
      const run = await queueRun(ctx, () =>
        ctx.store.runs.create({ scenarioId: prior.scenarioId, command: prior.command, options: prior.options, softwareVersion: ctx.options.version, createdBy: request.auth?.tokenId ?? null, rerunOf: prior.id }),
      );
      return reply.code(202).header('location', `${API}/runs/${run.id}`).send({ id: run.id, status: run.status, scenarioId: run.scenarioId, links: runLinks(run.id) });
    },
  );

  app.get(
    `${API}/runs/:id/events`,
    {
      config: { role: 'viewer', ticket: true },
      schema: {
        tags,
        summary: 'Follow a run live (server-sent events)',
        description:
          'text/event-stream: `status` (the run, at once and on every change), `progress` ({fraction, phase}), then `end` ({status, error}) and the stream closes. Comments keep the connection alive. Authenticate with the Authorization header, or (browsers\' EventSource) with `?ticket=` from POST /api/v1/tickets.',
        params: IdParams,
        querystring: z.object({ ticket: z.string().max(1024).optional() }).strict(),
      },
    },
    async (request, reply) => {
      const run = await getRun(ctx, request.params.id);
      openEventStream(ctx, request, reply, run);
    },
  );

  app.get(
    `${API}/runs/events`,
    {
      config: { role: 'viewer', ticket: true },
      schema: {
        tags,
        summary: 'Follow every run live (server-sent events)',
        description:
          'text/event-stream: `hello` on connecting (read the runs list after it), `status` (a run, whenever one is created, starts or ends), `progress` ({runId, fraction, phase}, at most every 250 ms per run). Comments keep the connection alive. Authenticate with the Authorization header, or (browsers\' EventSource) with `?ticket=` from POST /api/v1/tickets without a runId.',
        querystring: z.object({ ticket: z.string().max(1024).optional() }).strict(),
      },
    },
    async (request, reply) => {
      openRunsStream(ctx, request, reply);
    },
  );

  app.post(
    `${API}/tickets`,
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'A short-lived ticket for one run\'s event stream, or for every run\'s',
        description: 'For browsers, whose EventSource cannot send headers: `new EventSource(eventsUrl)`. With `runId`, for that run\'s events only; without, for the all-runs stream (/runs/events). Valid 60 s to connect; it never carries the token itself.',
        body: z.object({ runId: RunId.optional() }).strict(),
        response: { 200: z.object({ ticket: z.string(), expiresAt: z.string(), eventsUrl: z.string() }), ...PROBLEM_RESPONSES },
      },
    },
    async (request) => {
      if (!request.auth || request.auth.via !== 'token') throw new HttpError('UNAUTHORIZED', 'tickets are issued to requests with a token (Authorization: Bearer …)');
      if (request.body.runId === undefined) {
        const t = ctx.tickets.issue(request.auth, ALL_RUNS);
        return { ticket: t.ticket, expiresAt: new Date(t.expiresAtMs).toISOString(), eventsUrl: `${API}/runs/events?ticket=${encodeURIComponent(t.ticket)}` };
      }
      const run = await getRun(ctx, request.body.runId);
      const t = ctx.tickets.issue(request.auth, run.id);
      return { ticket: t.ticket, expiresAt: new Date(t.expiresAtMs).toISOString(), eventsUrl: `${API}/runs/${run.id}/events?ticket=${encodeURIComponent(t.ticket)}` };
    },
  );
}

export { QueueFullError };
