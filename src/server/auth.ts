/**
 * Authentication and roles for `/api/v1`. Every API route declares the role it needs in its
 * config (`viewer` reads, `operator` also uploads scenarios and starts and cancels runs,
 * `admin` also manages tokens; `public` needs no token); a route without one cannot be
 * registered. A request shows a token as `Authorization: Bearer ws_…` (hashed and looked up in
 * the store). Browsers' EventSource cannot send headers, so the event stream also takes a
 * `ticket` query parameter: a short-lived (60 s), HMAC-signed grant for one run's events,
 * issued to a token holder by `POST /api/v1/tickets`, so the long-lived token never appears in
 * a URL (the all-runs stream takes a ticket for ALL_RUNS). Failed authentications are counted per client address and limited.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { roleAllows, type Role, type Store } from '../store/index.ts';
import { HttpError } from './http-error.ts';

/** What a route needs: a role, or nothing (`public`). */
export type RouteRole = Role | 'public';

/** Who made the request. */
export interface Auth {
  tokenId: string;
  role: Role;
  name: string | null;
  /** How the request proved it: a token, or an event-stream ticket. */
  via: 'token' | 'ticket';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The role a route needs (every route under /api/v1 declares one). */
    role?: RouteRole;
    /** The route also accepts an event-stream ticket (`?ticket=`) for the run in its `id` parameter. */
    ticket?: boolean;
  }
  interface FastifyRequest {
    auth: Auth | null;
  }
}

/** The realm in WWW-Authenticate challenges. */
const REALM = 'wattshift';

/** What a ticket for the all-runs event stream grants instead of one run id. */
export const ALL_RUNS = '*';

/** Lifetime of an event-stream ticket, seconds. */
export const TICKET_TTL_SECONDS = 60;

/** Issues and checks event-stream tickets, signed with a key that lives as long as the process. */
export class TicketSigner {
  private readonly key = randomBytes(32);

  /** A ticket for `runId`'s events, valid for TICKET_TTL_SECONDS. */
  issue(auth: Auth, runId: string, nowMs = Date.now()): { ticket: string; expiresAtMs: number } {
    const expiresAtMs = nowMs + TICKET_TTL_SECONDS * 1000;
    const payload = Buffer.from(JSON.stringify({ t: auth.tokenId, r: auth.role, run: runId, exp: expiresAtMs })).toString('base64url');
    return { ticket: `${payload}.${this.sign(payload)}`, expiresAtMs };
  }

  /** The ticket's grant, or null when it is malformed, forged, expired or for another run. */
  check(ticket: string, runId: string, nowMs = Date.now()): { tokenId: string; role: Role } | null {
    const dot = ticket.indexOf('.');
    if (dot <= 0 || ticket.length > 1024) return null;
    const payload = ticket.slice(0, dot);
    const given = Buffer.from(ticket.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.sign(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const g = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { t: string; r: Role; run: string; exp: number };
      if (g.run !== runId || !(g.exp > nowMs)) return null;
      return { tokenId: g.t, role: g.r };
    } catch {
      return null;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

/** Options of the auth hooks. */
export interface AuthOptions {
  store: Store;
  tickets: TicketSigner;
  /** URL prefix the roles apply to. */
  prefix: string;
  /** Failed authentications allowed per client address and minute (then 429). */
  failuresPerMinute: number;
}

function unauthorized(message: string, invalid: boolean): HttpError {
  return new HttpError('UNAUTHORIZED', message, { wwwAuthenticate: invalid ? `Bearer realm="${REALM}", error="invalid_token"` : `Bearer realm="${REALM}"` });
}

/** The bearer token of a request, or undefined; a malformed header is an error. */
function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (h === undefined) return undefined;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(h);
  if (!m) throw unauthorized('the Authorization header must be "Bearer <token>"', true);
  return m[1];
}

/**
 * Installs the checks: an onRoute hook that refuses API routes without a declared role, and an
 * onRequest hook that authenticates and authorises every API request.
 */
export function registerAuth(app: FastifyInstance, o: AuthOptions): void {
  app.decorateRequest('auth', null);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(o.prefix)) return;
    const role = route.config?.role;
    if (role === undefined) throw new Error(`route ${String(route.method)} ${route.url} declares no role`);
  });
  // failures are limited by address, so guessing tokens is slow
  const failures = app.createRateLimit({ max: o.failuresPerMinute, timeWindow: 60_000, keyGenerator: (r) => `auth-failure:${r.ip}` });

  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (!request.routeOptions.url?.startsWith(o.prefix)) return;
    const role = config.role ?? 'admin';
    try {
      request.auth = await authenticate(request, o, config.ticket === true);
      if (role === 'public') return;
      if (!request.auth) throw unauthorized(`this request needs a token with role ${role} or above: send "Authorization: Bearer <token>" (wattshift token create)`, false);
    } catch (e) {
      if (e instanceof HttpError && e.code === 'UNAUTHORIZED') {
        const limit = await failures(request);
        if (!limit.isAllowed && limit.isExceeded) {
          throw new HttpError('RATE_LIMITED', `too many failed authentications from this address; retry in ${limit.ttlInSeconds} s`, { retryAfterSeconds: limit.ttlInSeconds });
        }
      }
      throw e;
    }
    if (!roleAllows(request.auth.role, role)) {
      throw new HttpError('FORBIDDEN', `this request needs role ${role} or above; the token has role ${request.auth.role}`);
    }
  });
}

/** Who the request comes from (null: no credentials given). Bad credentials throw UNAUTHORIZED. */
async function authenticate(request: FastifyRequest, o: AuthOptions, ticketAllowed: boolean): Promise<Auth | null> {
  const secret = bearer(request);
  if (secret !== undefined) {
    const t = await o.store.tokens.verify(secret);
    if (!t) throw unauthorized('the token is unknown, revoked or malformed', true);
    return { tokenId: t.id, role: t.role, name: t.name, via: 'token' };
  }
  const ticket = ticketAllowed ? (request.query as Record<string, unknown> | undefined)?.ticket : undefined;
  if (typeof ticket === 'string') {
    // a route with a run in its path takes that run's tickets; the all-runs stream takes ALL_RUNS tickets
    const runId = (request.params as Record<string, unknown> | undefined)?.id;
    const grant = o.tickets.check(ticket, typeof runId === 'string' ? runId : ALL_RUNS);
    if (!grant) throw unauthorized('the ticket is invalid, expired or for another run; get a new one with POST /api/v1/tickets', true);
    // a ticket lives no longer than the token that asked for it
    const token = await o.store.tokens.get(grant.tokenId);
    if (!token || token.revokedAtMs !== null) throw unauthorized('the token this ticket was issued to has been revoked', true);
    return { tokenId: grant.tokenId, role: grant.role, name: token.name, via: 'ticket' };
  }
  return null;
}
