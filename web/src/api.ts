/**
 * The dashboard's client of the wattshift API (/api/v1). The token the user logs in with is
 * kept in sessionStorage (this tab, until it closes) and sent as `Authorization: Bearer`; it
 * never goes into a URL. Errors come back as RFC 9457 problem documents, thrown as ApiError.
 */

/** Roles, weakest first. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is logged in. */
export interface Session {
  token: string;
  role: Role;
  name: string | null;
  tokenId: string;
}

const KEY = 'wattshift.session';

/** The session of this tab, or null. */
export function session(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return s && typeof s.token === 'string' && (ROLES as readonly string[]).includes(s.role) ? s : null;
  } catch {
    return null;
  }
}

/** True when the session's role is `role` or above. */
export function can(role: Role): boolean {
  const s = session();
  return s !== null && ROLES.indexOf(s.role) >= ROLES.indexOf(role);
}

/** Forgets the token. */
export function logout(): void {
  sessionStorage.removeItem(KEY);
}

/** A problem document (RFC 9457) as the API sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  location?: { file?: string; line?: number; column?: number; path?: string };
  errors?: Array<{ message: string; path?: string }>;
}

/** A failed request: the HTTP status and the problem document. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }
}

/** Called when the server no longer accepts the token (the app shows the login page). */
let onUnauthorized: (message: string) => void = () => undefined;

/** Sets what happens when a request answers 401. */
export function whenUnauthorized(f: (message: string) => void): void {
  onUnauthorized = f;
}

/** Options of a request. */
export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  /** JSON body (or raw bytes with `contentType`). */
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  /** Use this token instead of the session's (the login check). */
  token?: string;
}

/** An API path with its query. */
export function apiPath(path: string, query?: RequestOptions['query']): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `/api/v1${path}${s ? `?${s}` : ''}`;
}

async function send(path: string, o: RequestOptions): Promise<Response> {
  const token = o.token ?? session()?.token;
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json;q=0.9, */*;q=0.5' };
  if (token) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (o.body !== undefined) {
    if (o.contentType) {
      headers['content-type'] = o.contentType;
      body = o.body as BodyInit;
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
  }
  let res: Response;
  try {
    res = await fetch(apiPath(path, o.query), { method: o.method ?? 'GET', headers, body, signal: o.signal, credentials: 'omit', cache: 'no-store' });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({ status: 0, title: 'The server cannot be reached', detail: 'the request did not reach the wattshift server; check that `wattshift serve` is running' });
  }
  if (res.ok) return res;
  let problem: Problem;
  try {
    problem = (await res.json()) as Problem;
    problem.status ??= res.status;
  } catch {
    problem = { status: res.status, title: res.statusText || `HTTP ${res.status}` };
  }
  if (res.status === 401 && o.token === undefined) onUnauthorized(problem.detail ?? 'the server no longer accepts this token');
  throw new ApiError(problem);
}

/** A JSON request. */
export async function api<T>(path: string, o: RequestOptions = {}): Promise<T> {
  const res = await send(path, o);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A text request (CSV files, the text a command prints). */
export async function apiText(path: string, o: RequestOptions = {}): Promise<string> {
  return (await send(path, o)).text();
}

/** Downloads a file of the API (sent with the token) under `filename`. */
export async function download(path: string, filename: string): Promise<void> {
  const blob = await (await send(path, {})).blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Checks a token with the server and keeps it for this tab. */
export async function login(token: string): Promise<Session> {
  const me = await api<{ tokenId: string; role: Role; name: string | null }>('/me', { token });
  const s: Session = { token, role: me.role, name: me.name, tokenId: me.tokenId };
  sessionStorage.setItem(KEY, JSON.stringify(s));
  return s;
}
