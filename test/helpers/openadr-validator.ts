/**
 * Checks HTTP exchanges against the OpenADR 3.1.0 spec (the patched copy) with an independent
 * OpenAPI validator: openapi-backend (Ajv underneath, with ajv-formats for date-time and uri).
 * Every request a VTN test sends and every response it gets goes through `checkExchange`:
 *
 * - the request must match an operation, with valid path and query parameters and body (a test
 *   that sends a bad request on purpose says so, and the validator must then find it bad);
 * - the response status must be one the spec lists for the operation, or one of the documented
 *   RELAXATIONS below;
 * - a JSON response body must validate against the operation's schema for that status.
 *
 * The spec's OpenAPI 3.0 booleans `exclusiveMaximum: true` are turned into the JSON Schema form
 * Ajv reads (a conversion, not a relaxation).
 */
import { OpenAPIBackend, type Request as OasRequest } from 'openapi-backend';
import addFormatsModule from 'ajv-formats';
import type { Ajv } from 'ajv';
import { openAdrSpec, specOperations, type Json, type SpecOperation } from '../../src/openadr/spec.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Statuses the VTN answers with that the spec does not list for every operation, and why.
 * Each such answer is still a `problem` document, validated as one.
 */
export const RELAXATIONS: { statuses: number[]; applies: (op: SpecOperation) => boolean; why: string }[] = [
  { statuses: [401], applies: (op) => op.scopes.length > 0, why: 'a missing, malformed or expired token is 401 (RFC 6750) on every secured operation; the spec omits 401 on updateProgram' },
  { statuses: [403], applies: (op) => op.scopes.length > 0, why: 'a token without the operation\'s scope is 403 (RFC 6750 insufficient_scope); the spec omits 403 on GET /notifiers and the read_all topic operations' },
  { statuses: [400], applies: (op) => op.scopes.length > 0, why: 'bad parameters are 400 wherever they occur; the spec omits 400 on GET /notifiers' },
  { statuses: [404], applies: (op) => op.path.startsWith('/notifiers'), why: 'topic operations answer 404 when the VTN has no MQTT notifier; GET /notifiers lists no errors at all' },
  { statuses: [409], applies: (op) => op.operationId === 'createVen', why: 'a duplicate venName (or a second VEN for one client) is 409, as on updateVen; the spec lists no 409 for createVen' },
  { statuses: [413, 415], applies: (op) => op.method === 'POST' || op.method === 'PUT', why: 'a body over the size limit is 413, one of another media type than the operation reads is 415' },
  { statuses: [500], applies: () => true, why: 'an internal error is a 500 problem on any operation' },
];

/** A request as a test sends it. */
export interface ExchangeRequest {
  method: string;
  /** Path below the VTN prefix, with the query string. */
  url: string;
  headers: Record<string, string>;
  /** Parsed body (JSON object, or the form fields of /auth/token). */
  body?: unknown;
}

/** A response as the test got it. */
export interface ExchangeResponse {
  status: number;
  contentType: string | undefined;
  /** Parsed JSON body, or undefined when empty. */
  body: unknown;
}

/** What the validator found. */
export interface ExchangeCheck {
  operationId: string | undefined;
  requestErrors: string[];
  responseErrors: string[];
}

function convertExclusive(x: Json): Json {
  if (Array.isArray(x)) return x.map(convertExclusive);
  if (x && typeof x === 'object') {
    const o: Record<string, Json> = {};
    for (const [k, v] of Object.entries(x)) o[k] = convertExclusive(v);
    if (typeof o.exclusiveMaximum === 'boolean') {
      if (o.exclusiveMaximum && typeof o.maximum === 'number') {
        o.exclusiveMaximum = o.maximum;
        delete o.maximum;
      } else delete o.exclusiveMaximum;
    }
    if (typeof o.exclusiveMinimum === 'boolean') {
      if (o.exclusiveMinimum && typeof o.minimum === 'number') {
        o.exclusiveMinimum = o.minimum;
        delete o.minimum;
      } else delete o.exclusiveMinimum;
    }
    return o;
  }
  return x;
}

let backend: Promise<OpenAPIBackend> | undefined;

/** The validator (built once per process). */
export function specValidator(): Promise<OpenAPIBackend> {
  backend ??= (async () => {
    const api = new OpenAPIBackend({
      definition: convertExclusive(structuredClone(openAdrSpec())) as never,
      strict: false,
      validate: true,
      quick: true,
      coerceTypes: true,
      ajvOpts: { strict: false, logger: false },
      customizeAjv: (ajv) => {
        addFormats(ajv as unknown as Ajv);
        ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
        ajv.addFormat('float', { type: 'number', validate: (n: number) => Number.isFinite(n) });
        return ajv;
      },
    });
    await api.init();
    return api;
  })();
  return backend;
}

const OPERATIONS = new Map(specOperations().map((o) => [o.operationId, o]));

/** The statuses an operation may answer with: the spec's, plus the relaxations that apply. */
export function allowedStatuses(operationId: string): Set<number> {
  const op = OPERATIONS.get(operationId);
  if (!op) return new Set();
  const s = new Set(op.statuses.map(Number));
  for (const r of RELAXATIONS) if (r.applies(op)) for (const x of r.statuses) s.add(x);
  return s;
}

function fmt(errors: { instancePath?: string; message?: string }[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
}

/** Validates one exchange. */
export async function checkExchange(req: ExchangeRequest, res: ExchangeResponse): Promise<ExchangeCheck> {
  const api = await specValidator();
  const u = new URL(req.url, 'http://vtn.invalid');
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of u.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  // list parameters (type: array) arrive as arrays even when given once
  const oasReq: OasRequest = { method: req.method.toLowerCase(), path: u.pathname, headers: req.headers, query, body: req.body };
  const op = api.router.matchOperation(oasReq);
  if (!op) return { operationId: undefined, requestErrors: [`no operation matches ${req.method} ${u.pathname}`], responseErrors: [] };
  for (const p of (op.parameters ?? []) as { in: string; name: string; schema?: { type?: string } }[]) {
    if (p.in === 'query' && p.schema?.type === 'array' && typeof query[p.name] === 'string') query[p.name] = [query[p.name] as string];
  }
  const vr = api.validateRequest(oasReq, op);
  const requestErrors = vr.valid ? [] : fmt(vr.errors as never);
  const responseErrors: string[] = [];
  const operationId = op.operationId!;
  if (!allowedStatuses(operationId).has(res.status)) responseErrors.push(`status ${res.status} is not listed for ${operationId} (spec: ${OPERATIONS.get(operationId)?.statuses.join(', ')})`);
  if (res.body !== undefined) {
    if (!res.contentType?.startsWith('application/json')) responseErrors.push(`content type ${res.contentType} is not application/json`);
    const listed = OPERATIONS.get(operationId)?.statuses.includes(String(res.status));
    if (listed) {
      const v = api.validator.validateResponse(res.body, op, res.status);
      if (!v.valid) responseErrors.push(...fmt(v.errors as never));
    } else {
      const v = api.validator.validateResponse(res.body, 'searchAllPrograms', 400); // the problem schema
      if (!v.valid) responseErrors.push(...fmt(v.errors as never).map((e) => `problem document: ${e}`));
    }
  } else if (res.status !== 204) responseErrors.push('the response has no body');
  return { operationId, requestErrors, responseErrors };
}
