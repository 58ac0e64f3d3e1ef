/**
 * Serving a run's stored results: the bytes as stored (Brotli passed through to clients that
 * accept it), an ETag from the content hash (results never change), and the report's own
 * Content-Security-Policy. A missing result says why: the run is not finished, failed, or its
 * command does not produce it.
 */
import { brotliDecompressSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EncodedResult } from '../store/index.ts';
import { getRun, type RouteContext } from './context.ts';
import { HttpError } from './http-error.ts';

/** Results of a finished run never change: clients may keep them. */
const IMMUTABLE = 'private, max-age=31536000, immutable';

/** The content of an encoded result (decoded once per content hash, then cached). */
export function decoded(ctx: RouteContext, r: EncodedResult): Buffer {
  if (r.encoding === 'identity') return r.data;
  const hit = ctx.documents.get(r.sha256);
  if (hit) return hit;
  const out = brotliDecompressSync(r.data);
  ctx.documents.set(r.sha256, out);
  return out;
}

/** Why a run has no result `name`: 409 while it is not succeeded, 404 when its command makes none. */
export async function missingResult(ctx: RouteContext, runId: string, name: string, what = `result "${name}"`): Promise<never> {
  const run = await getRun(ctx, runId);
  if (run.status === 'queued' || run.status === 'running') throw new HttpError('CONFLICT', `run ${runId} is ${run.status}; its ${what} is stored when it succeeds (follow ${`/api/v1/runs/${runId}/events`})`);
  if (run.status !== 'succeeded') throw new HttpError('CONFLICT', `run ${runId} ${run.status === 'failed' ? `failed (${run.error?.code ?? 'unknown'}: ${run.error?.message ?? ''})` : `is ${run.status}`}; it has no ${what}`);
  throw new HttpError('NOT_FOUND', `run ${runId} (${run.command}) has no ${what}; GET /api/v1/runs/${runId}/files lists what it has`);
}

/** The report's own policy (from its meta tag), sent as a header too so it governs the page. */
function reportCsp(html: Buffer): string | undefined {
  const head = html.subarray(0, 4096).toString('utf8');
  return /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(head)?.[1];
}

function acceptsBrotli(request: FastifyRequest): boolean {
  const h = request.headers['accept-encoding'];
  return typeof h === 'string' && /\bbr\b/.test(h);
}

/** Sends a stored result (404/409 when there is none). */
export async function sendResult(ctx: RouteContext, request: FastifyRequest, reply: FastifyReply, runId: string, name: string, opts: { download?: boolean } = {}): Promise<FastifyReply> {
  const r = await ctx.store.results.getEncoded(runId, name);
  if (!r) return missingResult(ctx, runId, name);
  const etag = `"${r.sha256}"`;
  reply.header('etag', etag).header('cache-control', IMMUTABLE).header('vary', 'accept-encoding');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  reply.type(r.mediaType);
  if (opts.download) reply.header('content-disposition', `attachment; filename="${name.split('/').pop()!.replace(/[^\w.-]/g, '_')}"`);
  if (r.mediaType.startsWith('text/html')) {
    const html = decoded(ctx, r);
    const csp = reportCsp(html);
    if (csp) reply.header('content-security-policy', `${csp}; frame-ancestors 'none'`);
    return reply.send(html);
  }
  if (r.encoding === 'br' && acceptsBrotli(request)) return reply.header('content-encoding', 'br').send(r.data);
  return reply.send(decoded(ctx, r));
}

/** A stored JSON result parsed (cached by hash), or the reason there is none. */
export async function resultJson<T>(ctx: RouteContext, runId: string, name: string): Promise<T> {
  const r = await ctx.store.results.getEncoded(runId, name);
  if (!r) return missingResult(ctx, runId, name);
  return JSON.parse(decoded(ctx, r).toString('utf8')) as T;
}
