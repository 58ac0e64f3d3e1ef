/**
 * The VTN as a Fastify plugin: every operation of the OpenADR 3.1.0 spec, registered from the
 * spec's own list of paths, methods and scopes (so none is missed and each needs exactly the
 * scope the spec gives it). Register it under a prefix, e.g. `/openadr3/3.1.0`:
 *
 * ```ts
 * await app.register(openadrVtn, { prefix: '/openadr3/3.1.0', store, delivery: { callbacks: { allow: ['public'] } } });
 * ```
 *
 * Requests: a bearer token (401 when missing, malformed, expired or of a revoked client; 403
 * when its scopes do not cover the operation); bodies checked against the spec's schemas (400
 * listing every problem with its JSON path). Every 4xx and 5xx is a problem document.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { specOperations } from '../spec.ts';
import { scopesAllow, type Principal } from './auth/scopes.ts';
import { TokenError } from './auth/tokens.ts';
import { VtnError, problem } from './problem.ts';
import { fetchToken, parseForm, tokenUrl } from './routes/auth.ts';
import { eventHandlers } from './routes/events.ts';
import type { Handler } from './routes/handler.ts';
import { notifierHandlers } from './routes/notifiers.ts';
import type { Query } from './routes/params.ts';
import { programHandlers } from './routes/programs.ts';
import { reportHandlers } from './routes/reports.ts';
import { resourceHandlers } from './routes/resources.ts';
import { subscriptionHandlers } from './routes/subscriptions.ts';
import { venHandlers } from './routes/vens.ts';
import { createVtn, type Vtn, type VtnOptions } from './vtn.ts';

/** Options of the plugin: a VTN made elsewhere, or the options to make one (closed with the app). */
export type OpenAdrVtnPluginOptions = ({ vtn: Vtn } | VtnOptions) & {
  /** Largest request body, bytes (default 1 MiB). */
  bodyLimit?: number;
};

const HANDLERS: Record<string, Handler> = {
  ...programHandlers,
  ...eventHandlers,
  ...reportHandlers,
  ...subscriptionHandlers,
  ...venHandlers,
  ...resourceHandlers,
  ...notifierHandlers,
};

/** `/programs/{programID}` → `/programs/:programID`. */
function fastifyPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

/** The principal of a request's bearer token; 401 otherwise. */
async function authenticate(vtn: Vtn, request: FastifyRequest, reply: FastifyReply): Promise<Principal> {
  const header = request.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!m) {
    reply.header('www-authenticate', 'Bearer realm="openadr3"');
    throw new VtnError(401, header ? 'the Authorization header must be "Bearer <access token>"' : 'this operation needs a bearer token; fetch one from the token endpoint (GET /auth/server names it)');
  }
  try {
    return await vtn.tokens.verify(m[1]!);
  } catch (e) {
    if (e instanceof TokenError) {
      reply.header('www-authenticate', `Bearer realm="openadr3", error="invalid_token", error_description="${e.message.replace(/"/g, "'")}"`);
      throw new VtnError(401, e.message);
    }
    throw e;
  }
}

/** Answers with a problem document. */
function sendProblem(reply: FastifyReply, status: number, detail: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(status).type('application/json').send(problem(status, detail, extra));
}

/** The OpenADR 3.1.0 VTN plugin. */
export const openadrVtn: FastifyPluginAsync<OpenAdrVtnPluginOptions> = async (app: FastifyInstance, opts) => {
  const vtn = 'vtn' in opts ? opts.vtn : await createVtn(opts);
  if (!('vtn' in opts)) app.addHook('onClose', async () => vtn.close());
  const prefix = app.prefix;
  const bodyLimit = opts.bodyLimit ?? 1024 * 1024;

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    try {
      done(null, parseForm(body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof VtnError) return sendProblem(reply, error.status, error.message, error.extra);
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const code = (error as { code?: string }).code ?? '';
      const detail = code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? `content type ${String(request.headers['content-type'])} is not accepted; send application/json (application/x-www-form-urlencoded for /auth/token)` : (error as Error).message;
      return sendProblem(reply, status, detail);
    }
    request.log.error({ err: error }, 'OpenADR VTN request failed');
    return sendProblem(reply, 500, 'the VTN failed to handle the request; the error is logged');
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, 404, `no OpenADR 3.1.0 operation at ${request.method} ${request.url}`));

  for (const op of specOperations()) {
    const url = fastifyPath(op.path);
    if (op.operationId === 'getAuthServerInfo') {
      app.get(url, async (request) => ({ tokenURL: tokenUrl(vtn, request, prefix) }));
      continue;
    }
    if (op.operationId === 'fetchToken') {
      app.post(url, { bodyLimit: 64 * 1024 }, async (request, reply) => fetchToken(vtn, request, reply));
      continue;
    }
    const handler = HANDLERS[op.operationId];
    if (!handler) throw new Error(`OpenADR operation ${op.operationId} has no handler`);
    app.route({
      method: op.method,
      url,
      bodyLimit,
      handler: async (request, reply) => {
        const principal = await authenticate(vtn, request, reply);
        if (!scopesAllow(principal.scopes, op.scopes)) {
          throw new VtnError(403, `${op.operationId} needs the scope ${op.scopes.join(' or ')}; this token has ${[...principal.scopes].join(' ') || 'no scopes'}`);
        }
        const answer = await handler({ vtn, principal, params: request.params as Record<string, string>, query: request.query as Query, body: request.body, request });
        return reply.code(answer.status).send(answer.body);
      },
    });
  }
};
