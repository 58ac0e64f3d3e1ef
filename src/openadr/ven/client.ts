/**
 * An OpenADR 3.1 client over HTTP (undici's request, with keep-alive connections): OAuth2 client-credentials tokens from the VTN's
 * /auth/token (renewed before they expire), and the calls a VEN or a business-logic client makes:
 * programs, events, VENs, resources, subscriptions, reports, notifiers. Answers that are not 2xx
 * become an {@link OpenAdrHttpError} carrying the VTN's problem JSON. Redirects are not followed.
 * A 401 on a call drops the token and tries once more with a new one (the token expired early, was
 * revoked, or the VTN's key changed).
 */
import { getGlobalDispatcher, request, type Dispatcher } from 'undici';

/** A VTN answered with an error (4xx/5xx), or not at all. */
export class OpenAdrHttpError extends Error {
  override readonly name = 'OpenAdrHttpError';
  constructor(message: string, readonly status: number, readonly problem?: unknown) {
    super(message);
  }
}

/** Credentials and address of a VTN. */
export interface OpenAdrClientOptions {
  /** Base URL of the API, e.g. http://127.0.0.1:8080/openadr3/3.1.0. */
  url: string;
  clientId: string;
  clientSecret: string;
  /** Per-request timeout, ms (default 30 000): for the answer's headers, and again for its body. */
  timeoutMs?: number;
  /**
   * Connection pool the requests go through (default undici's global one). Clients that share one
   * (many VENs in one process) share its keep-alive connections to the VTN.
   */
  dispatcher?: Dispatcher;
  /** A fetch to send the requests through instead (a wrapper may observe the exchanges). */
  fetch?: typeof fetch;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** An OpenADR object as the VTN returns it. */
export type OadrObject = Record<string, Json>;

/** A client of one VTN. */
export class OpenAdrClient {
  private token: { value: string; renewAtMs: number } | undefined;
  private pendingToken: Promise<string> | undefined;

  constructor(readonly opts: OpenAdrClientOptions) {}

  /** The base URL. */
  get url(): string {
    return this.opts.url.replace(/\/+$/, '');
  }

  /**
   * A valid access token: fetched, or renewed when less than a minute (a quarter of its lifetime
   * when that is shorter, but at least a second: a JWT expires on a whole second, up to one before
   * `expires_in` says) is left; `renew` fetches a new one whatever is held.
   */
  async accessToken(opts: { renew?: boolean } = {}): Promise<string> {
    if (opts.renew && !this.pendingToken) this.token = undefined;
    if (this.token && Date.now() < this.token.renewAtMs) return this.token.value;
    this.pendingToken ??= this.fetchToken().finally(() => (this.pendingToken = undefined));
    return this.pendingToken;
  }

  private async fetchToken(): Promise<string> {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.opts.clientId, client_secret: this.opts.clientSecret });
    const r = await this.send('POST', '/auth/token', { body: body.toString(), contentType: 'application/x-www-form-urlencoded', auth: false });
    const t = r as { access_token?: string; expires_in?: number };
    if (typeof t.access_token !== 'string') throw new OpenAdrHttpError(`${this.url}/auth/token gave no access_token`, 200, r);
    const lifeMs = (t.expires_in ?? 3600) * 1000;
    this.token = { value: t.access_token, renewAtMs: Date.now() + lifeMs - Math.max(1000, Math.min(60_000, lifeMs / 4)) };
    return t.access_token;
  }

  /** One call; `path` is below the base URL, `query` values repeat for arrays. */
  async call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, opts: { body?: unknown; query?: Record<string, string | number | string[] | undefined> } = {}): Promise<Json> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v === undefined) continue;
      for (const x of Array.isArray(v) ? v : [v]) qs.append(k, String(x));
    }
    const full = qs.size ? `${path}?${qs}` : path;
    return this.send(method, full, { body: opts.body === undefined ? undefined : JSON.stringify(opts.body), contentType: 'application/json', auth: true });
  }

  private async send(method: string, path: string, o: { body?: string; contentType: string; auth: boolean }, retried = false): Promise<Json> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (o.body !== undefined) headers['content-type'] = o.contentType;
    if (o.auth) headers.authorization = `Bearer ${await this.accessToken()}`;
    const timeout = this.opts.timeoutMs ?? 30_000;
    let status: number;
    let text: string;
    try {
      if (this.opts.fetch) {
        const r = await this.opts.fetch(this.url + path, { method, headers, body: o.body, redirect: 'error', signal: AbortSignal.timeout(timeout) });
        status = r.status;
        text = await r.text();
      } else {
        // undici's request rather than fetch: no WHATWG streams or Request objects per call (a VEN
        // host with many VENs spent more on fetch's machinery than on the VTN's answer)
        const r = await request(this.url + path, { method: method as Dispatcher.HttpMethod, headers, body: o.body, headersTimeout: timeout, bodyTimeout: timeout, dispatcher: this.opts.dispatcher ?? getGlobalDispatcher() });
        status = r.statusCode;
        text = await r.body.text();
      }
    } catch (e) {
      throw new OpenAdrHttpError(`${method} ${this.url}${path}: ${(e as Error).message}`, 0);
    }
    let json: Json = undefined;
    if (text.length) {
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
    }
    if (status === 401 && o.auth && !retried) {
      // the token may have been revoked or the VTN restarted with a new key: fetch a new one once
      this.token = undefined;
      return this.send(method, path, o, true);
    }
    if (status < 200 || status > 299) {
      const detail = json && typeof json === 'object' ? (json.detail ?? json.title ?? JSON.stringify(json)) : String(json ?? '');
      throw new OpenAdrHttpError(`${method} ${this.url}${path} → ${status}: ${detail}`, status, json);
    }
    return json;
  }

  /** Every page of a list operation (the VTN's default page size, in its sort order). */
  async listAll(path: string, query: Record<string, string | number | string[] | undefined> = {}, pageSize = 50): Promise<OadrObject[]> {
    const out: OadrObject[] = [];
    for (let skip = 0; ; skip += pageSize) {
      const page = (await this.call('GET', path, { query: { ...query, skip, limit: pageSize } })) as OadrObject[];
      if (!Array.isArray(page)) throw new OpenAdrHttpError(`GET ${path} did not return a list`, 200, page);
      out.push(...page);
      if (page.length < pageSize) return out;
    }
  }

  programs(query: { targets?: string[] } = {}): Promise<OadrObject[]> {
    return this.listAll('/programs', query);
  }

  events(query: { programID?: string; targets?: string[] } = {}): Promise<OadrObject[]> {
    return this.listAll('/events', query);
  }

  reports(query: { programID?: string; eventID?: string; clientName?: string } = {}): Promise<OadrObject[]> {
    return this.listAll('/reports', query);
  }

  createProgram(body: OadrObject): Promise<OadrObject> {
    return this.call('POST', '/programs', { body });
  }

  createEvent(body: OadrObject): Promise<OadrObject> {
    return this.call('POST', '/events', { body });
  }

  createReport(body: OadrObject): Promise<OadrObject> {
    return this.call('POST', '/reports', { body });
  }

  updateReport(id: string, body: OadrObject): Promise<OadrObject> {
    return this.call('PUT', `/reports/${encodeURIComponent(id)}`, { body });
  }

  notifiers(): Promise<OadrObject> {
    return this.call('GET', '/notifiers');
  }

  createSubscription(body: OadrObject): Promise<OadrObject> {
    return this.call('POST', '/subscriptions', { body });
  }

  /**
   * This client's VEN object: the one the VTN shows it (a VEN sees only its own), or a new one
   * named `venName` when it has none.
   */
  async ensureVen(venName: string): Promise<OadrObject> {
    const mine = (await this.call('GET', '/vens', { query: { venName } })) as OadrObject[];
    if (Array.isArray(mine) && mine.length > 0) return mine[0]!;
    return this.call('POST', '/vens', { body: { objectType: 'VEN_VEN_REQUEST', venName } });
  }
}
