/**
 * The API's own routes: its index, health, the caller's identity, the executor's state, the
 * scenario JSON Schema, and token management (admin).
 */
import { z } from 'zod';
import { scenarioSchemaDocument } from '../../app/index.ts';
import { ROLES, type Role } from '../../store/index.ts';
import { API, tokenView, type App, type RouteContext } from '../context.ts';
import { HttpError } from '../http-error.ts';
import { JsonDocument, PROBLEM_RESPONSES, TokenId, TokenView } from '../schemas.ts';

/** Registers the meta and token routes. */
export function registerMetaRoutes(app: App, ctx: RouteContext): void {
  app.get(
    API,
    { config: { role: 'public' }, schema: { tags: ['meta'], summary: 'What the API offers', response: { 200: z.object({ name: z.string(), version: z.string(), openapi: z.string(), docs: z.string(), links: z.record(z.string(), z.string()) }) } } },
    async () => ({
      name: 'wattshift',
      version: ctx.options.version,
      openapi: '/openapi.json',
      docs: '/docs',
      links: { runs: `${API}/runs`, scenarios: `${API}/scenarios`, examples: `${API}/examples`, fleet: `${API}/fleet`, compare: `${API}/compare`, scenarioSchema: `${API}/schemas/scenario`, me: `${API}/me` },
    }),
  );

  app.get(
    `${API}/health`,
    { config: { role: 'public', rateLimit: false }, schema: { tags: ['meta'], summary: 'Liveness: answers when the server and its database answer', response: { 200: z.object({ status: z.literal('ok'), version: z.string() }), 503: JsonDocument } } },
    async () => {
      await ctx.store.runs.list({ limit: 1 });
      return { status: 'ok' as const, version: ctx.options.version };
    },
  );

  app.get(
    `${API}/me`,
    { config: { role: 'viewer' }, schema: { tags: ['meta'], summary: 'The token the request was made with (the dashboard checks its login with it)', response: { 200: z.object({ tokenId: z.string(), role: z.enum(ROLES as [Role, ...Role[]]), name: z.string().nullable() }), ...PROBLEM_RESPONSES } } },
    async (request) => ({ tokenId: request.auth!.tokenId, role: request.auth!.role, name: request.auth!.name }),
  );

  app.get(
    `${API}/status`,
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['meta'],
        summary: 'The executor (runs running and queued, pool size) and the database',
        response: { 200: z.object({ executor: z.object({ running: z.number(), queued: z.number(), size: z.number(), maxQueue: z.number() }), database: z.object({ dialect: z.string(), schemaVersion: z.number() }), version: z.string() }), ...PROBLEM_RESPONSES },
      },
    },
    async () => ({ executor: ctx.executor.stats(), database: { dialect: ctx.store.dialect, schemaVersion: ctx.store.migrations.version }, version: ctx.options.version }),
  );

  app.get(
    `${API}/schemas/scenario`,
    { config: { role: 'public' }, schema: { tags: ['meta'], summary: 'The JSON Schema of the scenario format (what `wattshift schema` prints)', response: { 200: JsonDocument } } },
    async (_request, reply) => reply.type('application/schema+json').send(JSON.stringify(scenarioSchemaDocument()) as never),
  );

  const tags = ['tokens'];
  app.get(
    `${API}/tokens`,
    { config: { role: 'admin' }, schema: { tags, summary: 'List API tokens (never their secrets)', querystring: z.object({ all: z.enum(['true', 'false']).optional().describe('include revoked tokens') }).strict(), response: { 200: z.object({ tokens: z.array(TokenView) }), ...PROBLEM_RESPONSES } } },
    async (request) => ({ tokens: (await ctx.store.tokens.list({ includeRevoked: request.query.all === 'true' })).map(tokenView) }) as never,
  );

  app.post(
    `${API}/tokens`,
    {
      config: { role: 'admin' },
      schema: {
        tags,
        summary: 'Create an API token; its secret is in this answer only',
        body: z.object({ role: z.enum(ROLES as [Role, ...Role[]]), name: z.string().min(1).max(200).optional() }).strict(),
        response: { 201: TokenView.extend({ secret: z.string() }), ...PROBLEM_RESPONSES },
      },
    },
    async (request, reply) => {
      const t = await ctx.store.tokens.create(request.body.role, request.body.name ?? null);
      return reply.code(201).send({ ...tokenView(t), secret: t.secret } as never);
    },
  );

  app.delete(
    `${API}/tokens/:id`,
    { config: { role: 'admin' }, schema: { tags, summary: 'Revoke a token (requests with it are refused from now on)', params: z.object({ id: TokenId }), response: { 200: TokenView, ...PROBLEM_RESPONSES } } },
    async (request) => {
      if (!(await ctx.store.tokens.get(request.params.id))) throw new HttpError('NOT_FOUND', `token ${request.params.id} does not exist`);
      return tokenView(await ctx.store.tokens.revoke(request.params.id)) as never;
    },
  );
}
