/**
 * Every error answer is an RFC 9457 problem document (`application/problem+json`): `type`,
 * `title`, `status`, `detail`, `instance`, plus our `code` (docs/errors.md), and for input
 * errors `location` (file, line, column, JSON path) and `errors` (every problem found, as the
 * CLI lists them). One error handler maps: our errors by their code's status (HTTP_STATUS),
 * request validation to 400 with each problem's path (`body.options.lookahead`), Fastify's own
 * client errors (bad JSON, a body too large, an unknown media type) to their codes, and
 * anything else to 500 INTERNAL with no message or stack sent (they are logged).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_CODES, HTTP_STATUS, InputError, WattshiftError, type ErrorCode } from '../errors/index.ts';
import { QueueFullError } from '../runs/executor.ts';
import { StoreError } from '../store/index.ts';
import { HttpError } from './http-error.ts';

/** Media type of problem documents. */
export const PROBLEM_JSON = 'application/problem+json';

/** Base of problem type URIs: the code follows (`…/problems/SCENARIO_INVALID`). */
export const PROBLEM_TYPE_BASE = 'https://wattshift.dev/problems/';

/** An RFC 9457 problem document with wattshift's members. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  location?: { file?: string; line?: number; column?: number; path?: string };
  errors?: Array<{ message: string; path?: string }>;
}

/** The title of a code: its meaning in the registry, capitalised. */
export function problemTitle(code: string): string {
  const meaning = (ERROR_CODES as Record<string, string>)[code] ?? 'an error';
  return meaning.charAt(0).toUpperCase() + meaning.slice(1);
}

/** A problem document for a code and message. */
export function problem(code: ErrorCode | string, status: number, detail: string, instance: string, extra: Pick<Problem, 'location' | 'errors'> = {}): Problem {
  const p: Problem = { type: `${PROBLEM_TYPE_BASE}${code}`, title: problemTitle(code), status, detail, instance, code };
  if (extra.location && Object.keys(extra.location).length > 0) p.location = extra.location;
  if (extra.errors && extra.errors.length > 0) p.errors = extra.errors;
  return p;
}

/** Fastify's client-error codes and what they are in our registry. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'REQUEST_INVALID',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'REQUEST_INVALID',
  FST_ERR_CTP_INVALID_JSON_BODY: 'REQUEST_INVALID',
};

/** `body/options/lookahead` → `body.options.lookahead`. */
function validationPath(context: string | undefined, instancePath: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  return [context ?? 'request', ...parts].join('.');
}

/** Maps any error to a problem document and the headers that go with it. */
export function problemOf(error: unknown, request: FastifyRequest): { problem: Problem; headers: Record<string, string>; internal: boolean } {
  const instance = request.url;
  const headers: Record<string, string> = {};
  if (error instanceof HttpError) {
    if (error.extras.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.extras.retryAfterSeconds);
    if (error.extras.wwwAuthenticate) headers['www-authenticate'] = error.extras.wwwAuthenticate;
    return { problem: problem(error.code, error.status, error.message, instance, error.extras), headers, internal: error.status >= 500 };
  }
  if (error instanceof QueueFullError) {
    headers['retry-after'] = String(error.retryAfterSeconds);
    return { problem: problem('QUEUE_FULL', 503, error.message, instance), headers, internal: false };
  }
  if (error instanceof InputError) {
    const loc = Object.fromEntries(Object.entries(error.location).filter(([, v]) => v !== undefined));
    const errors = [{ message: error.message, ...(error.location.path ? { path: error.location.path } : {}) }, ...error.details.map((d) => ({ message: d }))];
    return { problem: problem(error.code, HTTP_STATUS[error.code], error.message, instance, { location: loc, errors }), headers, internal: false };
  }
  if (error instanceof StoreError) {
    return { problem: problem(error.code, error.httpStatus, error.message, instance), headers, internal: error.httpStatus >= 500 };
  }
  if (error instanceof WattshiftError) {
    const status = HTTP_STATUS[error.code];
    return { problem: problem(error.code, status, error.message, instance), headers, internal: status >= 500 };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as unknown as { validationContext?: string }).validationContext;
    const errors = error.validation.map((v) => ({ path: validationPath(context, v.instancePath), message: v.message ?? 'is not valid' }));
    const first = errors[0]!;
    const detail = errors.length === 1 ? `${first.path}: ${first.message}` : `${errors.length} problems in the request; the first: ${first.path}: ${first.message}`;
    return { problem: problem('REQUEST_INVALID', 400, detail, instance, { location: { path: first.path }, errors }), headers, internal: false };
  }
  const fe = error as Partial<FastifyError> & { statusCode?: number };
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code: ErrorCode = (fe.code && FASTIFY_CODES[fe.code]) || (fe.statusCode === 429 ? 'RATE_LIMITED' : fe.statusCode === 413 ? 'BODY_TOO_LARGE' : fe.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'REQUEST_INVALID');
    // Fastify's messages name the request's problem, not the server's internals
    return { problem: problem(code, fe.statusCode, fe.message ?? 'the request is not valid', instance), headers, internal: false };
  }
  return { problem: problem('INTERNAL', 500, 'internal error; the server logged it', instance), headers, internal: true };
}

/** Sends a problem document. */
export function sendProblem(reply: FastifyReply, p: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(p.status).headers(headers).type(PROBLEM_JSON).send(JSON.stringify(p));
}

/** Installs the error and not-found handlers on the root instance. */
export function registerProblemDetails(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const { problem: p, headers, internal } = problemOf(error, request);
    if (internal) request.log.error({ err: error, code: p.code }, `${request.method} ${request.url}: ${p.code}`);
    return sendProblem(reply, p, headers);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem('NOT_FOUND', 404, `no route ${request.method} ${request.url.split('?')[0]}; /openapi.json lists the API's routes`, request.url)),
  );
}
