/**
 * /auth/server and /auth/token. The token endpoint is OAuth2 client credentials (RFC 6749
 * §4.4): a form-encoded body with grant_type=client_credentials, client_id, client_secret and an
 * optional space-separated scope (default: every scope of the client's role), or the client's
 * credentials in HTTP Basic authentication. Errors are problem documents that also carry
 * RFC 6749's `error` and `error_description`, so both kinds of client understand them.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isScope } from '../auth/scopes.ts';
import { VtnError } from '../problem.ts';
import type { Vtn } from '../vtn.ts';

function oauthError(status: number, error: string, description: string): VtnError {
  return new VtnError(status, description, { error, error_description: description });
}

/** The absolute URL of this VTN's token endpoint, as the client reached the server. */
export function tokenUrl(vtn: Vtn, request: FastifyRequest, prefix: string): string {
  const ext = vtn.options.auth?.externalTokenUrl;
  if (ext && vtn.options.auth?.issueTokens === false) return ext;
  const host = request.headers.host ?? `${request.hostname}`;
  return `${request.protocol}://${host}${prefix}/auth/token`;
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = header ? /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header) : null;
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return undefined;
  // RFC 6749 §2.3.1: both parts are form-urlencoded
  return { id: decodeURIComponent(text.slice(0, i).replace(/\+/g, ' ')), secret: decodeURIComponent(text.slice(i + 1).replace(/\+/g, ' ')) };
}

/** POST /auth/token. */
export async function fetchToken(vtn: Vtn, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  if (vtn.options.auth?.issueTokens === false) throw new VtnError(501, `this VTN does not issue tokens; fetch one from ${vtn.options.auth.externalTokenUrl ?? 'the configured authorization server'}`);
  const form = request.body;
  if (!form || typeof form !== 'object' || Array.isArray(form)) throw oauthError(400, 'invalid_request', 'send an application/x-www-form-urlencoded body with grant_type, client_id and client_secret');
  const f = form as Record<string, string>;
  const basic = basicCredentials(request.headers.authorization);
  if (f.grant_type === undefined) throw oauthError(400, 'invalid_request', 'grant_type is missing; use client_credentials');
  if (f.grant_type !== 'client_credentials') throw oauthError(400, 'unsupported_grant_type', `grant_type "${f.grant_type}" is not supported; use client_credentials`);
  const id = basic?.id ?? f.client_id;
  const secret = basic?.secret ?? f.client_secret;
  if (!id || !secret) throw oauthError(400, 'invalid_request', 'client_id and client_secret are required (in the body, or as HTTP Basic credentials)');
  if (id.length > 4096 || secret.length > 4096) throw oauthError(400, 'invalid_request', 'client_id and client_secret have at most 4096 characters');
  const client = await vtn.clients.authenticate(id, secret);
  if (!client) {
    if (basic) reply.header('www-authenticate', 'Basic realm="openadr3"');
    throw oauthError(401, 'invalid_client', 'unknown client or wrong secret');
  }
  let scopes = client.scopes;
  if (f.scope !== undefined && f.scope.trim() !== '') {
    const asked = [...new Set(f.scope.trim().split(/\s+/))];
    const unknown = asked.filter((s) => !isScope(s));
    const denied = asked.filter((s) => isScope(s) && !client.scopes.includes(s));
    if (unknown.length || denied.length) {
      throw oauthError(400, 'invalid_scope', `${[...unknown.map((s) => `"${s}" is not a scope`), ...denied.map((s) => `"${s}" is not granted to ${client.role} clients`)].join('; ')}; this client may ask for: ${client.scopes.join(' ')}`);
    }
    scopes = asked;
  }
  return vtn.tokens.issue(client, scopes);
}

/** Parses a form body, refusing repeated parameters (RFC 6749 §3.2). */
export function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    if (k in out) throw oauthError(400, 'invalid_request', `parameter ${k} is given more than once`);
    out[k] = v;
  }
  return out;
}
