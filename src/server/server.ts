/**
 * `buildServer(deps, options)`: the HTTP API and dashboard as a Fastify instance (not yet
 * listening: `app.listen` or `app.inject`). Plugins are the boundaries, registered in order:
 * problem details (every error answer), security headers, CORS (only when origins are given),
 * rate limits, authentication and roles (scoped to /api/v1), the OpenAPI document and its
 * interactive page, then the routes of each resource and the dashboard.
 */
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ScenarioValidator } from '../runs/pool-executor.ts';
import type { RunExecutor } from '../runs/executor.ts';
import type { Store } from '../store/index.ts';
import { registerAuth, TicketSigner, type RouteRole } from './auth.ts';
import { API, LruCache, type App, type RouteContext } from './context.ts';
import { defaultServerOptions, type ServerOptions } from './options.ts';
import { registerProblemDetails } from './problem-details.ts';
import { registerChartRoutes } from './routes/charts.ts';
import { registerFleetRoutes } from './routes/fleet.ts';
import { registerMetaRoutes } from './routes/meta.ts';
import { registerResultRoutes } from './routes/results.ts';
import { registerRunRoutes } from './routes/runs.ts';
import { registerScenarioRoutes } from './routes/scenarios.ts';
import { placeholderPage } from './web.ts';

/** One route of the API: what the role × route tests and docs/api.md are generated from. */
export interface RouteEntry {
  method: string;
  url: string;
  role: RouteRole;
  /** Also takes an event-stream ticket. */
  ticket: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every /api/v1 route with the role it needs, in registration order. */
    routeTable: RouteEntry[];
  }
}

/** What the server is built from. */
export interface ServerDeps {
  store: Store;
  executor: RunExecutor;
  validator: ScenarioValidator;
}

/** Fastify's own settings the caller may set (logging, mostly). */
export interface BuildOptions extends Partial<ServerOptions> {
  logger?: FastifyServerOptions['logger'];
}

/** Content-Security-Policy of the dashboard and the API's answers. */
export const DASHBOARD_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // ECharts and Swagger UI set style attributes
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

/** Builds the server. Close it with `app.close()` (the store and executor are the caller's). */
export async function buildServer(deps: ServerDeps, options: BuildOptions = {}): Promise<App> {
  const { logger, ...rest } = options;
  const o: ServerOptions = { ...defaultServerOptions(), ...rest };
  const app = Fastify({ logger: logger ?? false, bodyLimit: o.bodyLimitBytes, trustProxy: o.trustProxy, return503OnClosing: true }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemDetails(app);

  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: { directives: DASHBOARD_CSP },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
  if (o.corsOrigins.length > 0) await app.register(fastifyCors, { origin: o.corsOrigins, methods: ['GET', 'POST', 'DELETE'], allowedHeaders: ['Authorization', 'Content-Type'], maxAge: 600 });
  // registered even when off: the failed-authentication limit is built on it
  await app.register(fastifyRateLimit, {
    global: o.rateLimitPerMinute > 0,
    // after authentication: a token's requests count together wherever they come from
    hook: 'preHandler',
    max: o.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => (request.auth ? `token:${request.auth.tokenId}` : `ip:${request.ip}`),
    // the OpenADR VTN mounted beside the API has its own clients and its own load (reports from every VEN)
    allowList: (request) => request.url.startsWith('/openadr3/'),
    errorResponseBuilder: (_request, c) => ({ statusCode: 429, code: 'FST_RATE_LIMITED', message: `rate limit of ${c.max} requests per minute reached; retry in ${Math.ceil(c.ttl / 1000)} s`, retryAfter: Math.ceil(c.ttl / 1000) }),
  });

  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(API) || route.method === 'HEAD') return;
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeTable.push({ method, url: route.url, role: route.config?.role ?? 'admin', ticket: route.config?.ticket === true });
  });

  const tickets = new TicketSigner();
  registerAuth(app, { store: deps.store, tickets, prefix: API, failuresPerMinute: o.authFailuresPerMinute });
  // API answers are not cached by default (result routes set their own, immutable, policy)
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith(API) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'wattshift API',
        version: o.version,
        description:
          'Plan, operate and settle fleets of AI data centres. Authenticate with `Authorization: Bearer <token>` (`wattshift token create --role viewer|operator|admin`). Errors are RFC 9457 problem details (`application/problem+json`) with a `code` from docs/errors.md.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from `wattshift token create`' } } },
      security: [{ bearer: [] }],
      tags: ['runs', 'results', 'charts', 'scenarios', 'fleet', 'tokens', 'meta'].map((name) => ({ name })),
    },
    transform: (doc) => {
      // the OpenADR VTN is described by the OpenADR 3.1 specification, not by this document
      if (doc.url.startsWith('/openadr3/')) return { schema: { hide: true }, url: doc.url };
      const out = jsonSchemaTransform(doc);
      // binary uploads have no zod body (they are parsed to bytes); document them here
      if (doc.url === `${API}/scenarios/archive`) (out.schema as Record<string, unknown>).body = { type: 'string', format: 'binary', description: 'a tar or tar.gz archive' };
      const role = doc.route.config?.role;
      if (role) {
        const s = out.schema as Record<string, unknown>;
        s.description = `${role === 'public' ? 'No token needed.' : `Role: ${role} or above.`}${s.description ? ` ${String(s.description)}` : ''}`;
        if (role === 'public') s.security = [];
      }
      return out;
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    uiConfig: { validatorUrl: null, deepLinking: true },
    staticCSP: "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
  });

  const ctx: RouteContext = {
    store: deps.store,
    executor: deps.executor,
    validator: deps.validator,
    options: o,
    tickets,
    documents: new LruCache<Buffer>(64 * 2 ** 20, (b) => b.length),
    siteLedgers: new LruCache(16),
    currencies: new LruCache(1024),
    exampleIds: new Map(),
  };

  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => reply.type('application/json; charset=utf-8').send(JSON.stringify(app.swagger())));
  registerMetaRoutes(app, ctx);
  registerRunRoutes(app, ctx);
  registerResultRoutes(app, ctx);
  registerChartRoutes(app, ctx);
  registerFleetRoutes(app, ctx);
  // the upload parsers (YAML text, archives) only apply to the scenario routes
  await app.register(async (scope) => registerScenarioRoutes(scope as unknown as App, ctx));

  if (o.webDir) {
    await app.register(fastifyStatic, {
      root: o.webDir,
      prefix: '/',
      // an array: with preCompressed, @fastify/static only finds a directory's index from a list
      index: ['index.html'],
      decorateReply: false,
      wildcard: true,
      // the build writes .br and .gz beside each file; browsers that accept them get those
      preCompressed: true,
      cacheControl: false,
      allowedPath: (path) => !path.endsWith('/build.json'),
      setHeaders: (res, path) => {
        // assets carry a hash of their content in their name, so they never change; the page itself is checked each time
        res.setHeader('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  else app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(placeholderPage(o.version)));

  return app as unknown as App;
}
