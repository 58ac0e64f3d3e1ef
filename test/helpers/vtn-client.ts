/**
 * A test client of the VTN that checks every exchange against the spec (openadr-validator.ts):
 * in process through Fastify's inject, or over real HTTP (end-to-end). A request the validator
 * finds bad fails the test unless the test sent it bad on purpose (`badRequest: true`, and then
 * the validator must find it bad); a response that does not conform always fails the test.
 */
import type { FastifyInstance } from 'fastify';
import { checkExchange, type ExchangeRequest } from './openadr-validator.ts';

/** One call. */
export interface VtnCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path below the prefix, e.g. `/programs` (query string allowed). */
  path: string;
  /** Query parameters (arrays repeat the name). */
  query?: Record<string, string | number | boolean | (string | number)[]>;
  /** Bearer token. */
  token?: string;
  /** JSON body. */
  body?: unknown;
  /** Form body (for /auth/token). */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** The request is invalid on purpose: the validator must say so. */
  badRequest?: boolean;
}

/** What came back. */
export interface VtnReply<T = unknown> {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: T extends unknown ? any : T;
  headers: Record<string, string | string[] | undefined>;
  operationId: string | undefined;
}

type Transport = (method: string, url: string, headers: Record<string, string>, payload: string | undefined) => Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>;

/** A validating VTN client. */
export class VtnTestClient {
  /** Exchanges validated so far. */
  checked = 0;

  constructor(private readonly transport: Transport, readonly prefix: string) {}

  /** In process, through `app.inject`. */
  static inject(app: FastifyInstance, prefix: string): VtnTestClient {
    return new VtnTestClient(async (method, url, headers, payload) => {
      const r = await app.inject({ method: method as 'GET', url, headers, payload });
      return { status: r.statusCode, headers: r.headers as Record<string, string | string[] | undefined>, text: r.body };
    }, prefix);
  }

  /** Over HTTP to a base URL such as http://127.0.0.1:8080 (prefix separately). */
  static http(origin: string, prefix: string): VtnTestClient {
    return new VtnTestClient(async (method, url, headers, payload) => {
      const r = await fetch(origin + url, { method, headers, body: payload, redirect: 'manual' });
      const h: Record<string, string> = {};
      r.headers.forEach((v, k) => (h[k] = v));
      return { status: r.status, headers: h, text: await r.text() };
    }, prefix);
  }

  /** Sends a call, validates the exchange, returns the reply. */
  async call<T = unknown>(c: VtnCall): Promise<VtnReply<T>> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(c.query ?? {})) for (const x of Array.isArray(v) ? v : [v]) qs.append(k, String(x));
    const path = c.path + (qs.size ? `${c.path.includes('?') ? '&' : '?'}${qs}` : '');
    const headers: Record<string, string> = { ...(c.headers ?? {}) };
    if (c.token !== undefined) headers.authorization = `Bearer ${c.token}`;
    let payload: string | undefined;
    if (c.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(c.form).toString();
    } else if (c.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
    }
    const r = await this.transport(c.method, this.prefix + path, headers, payload);
    let body: unknown;
    if (r.text.length) {
      try {
        body = JSON.parse(r.text);
      } catch {
        throw new Error(`${c.method} ${path}: answer ${r.status} is not JSON: ${r.text.slice(0, 200)}`);
      }
    }
    const req: ExchangeRequest = { method: c.method, url: path, headers, body: c.form ?? (typeof c.body === 'string' ? safeParse(c.body) : c.body) };
    const ct = r.headers['content-type'];
    const check = await checkExchange(req, { status: r.status, contentType: Array.isArray(ct) ? ct[0] : ct, body });
    this.checked++;
    if (c.badRequest) {
      if (check.requestErrors.length === 0) throw new Error(`${c.method} ${path} was meant to be invalid, but the spec validator accepts it`);
    } else if (check.requestErrors.length) {
      throw new Error(`${c.method} ${path}: the request does not conform to the spec: ${check.requestErrors.join('; ')}`);
    }
    if (check.responseErrors.length) throw new Error(`${c.method} ${path} → ${r.status}: the response does not conform to the spec: ${check.responseErrors.join('; ')}\n${r.text.slice(0, 400)}`);
    return { status: r.status, body: body as never, headers: r.headers, operationId: check.operationId };
  }

  /** An access token for a client (checks the exchange too). */
  async token(clientId: string, secret: string, scope?: string): Promise<string> {
    const form: Record<string, string> = { grant_type: 'client_credentials', client_id: clientId, client_secret: secret };
    if (scope !== undefined) form.scope = scope;
    const r = await this.call<{ access_token: string }>({ method: 'POST', path: '/auth/token', form });
    if (r.status !== 200) throw new Error(`token for ${clientId}: ${r.status} ${JSON.stringify(r.body)}`);
    return (r.body as { access_token: string }).access_token;
  }
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
