/** Reading query and path parameters the way the spec defines them; bad values are 400s. */
import { DEFAULT_PAGE_LIMIT } from '../context.ts';
import { badRequest } from '../problem.ts';
import { OBJECT_TYPES, type Page } from '../types.ts';

/** Query parameters as Fastify parses them (repeated names become arrays). */
export type Query = Record<string, string | string[] | undefined>;

const OBJECT_ID = /^[a-zA-Z0-9_-]{1,128}$/;

/** Largest page (the spec's `maximum: 50` on `limit`); larger limits are clamped to it. */
export const MAX_PAGE_LIMIT = 50;

function one(q: Query, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) {
    if (v.length > 1) throw badRequest(`query parameter ${name} is given ${v.length} times; give it once`, [{ path: name, message: 'given more than once' }]);
    return v[0];
  }
  return v;
}

function integer(q: Query, name: string): number | undefined {
  const v = one(q, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,10}$/.test(v) || Number(v) > 2 ** 31 - 1) throw badRequest(`query parameter ${name} must be a whole number from 0 to 2147483647, got "${v}"`, [{ path: name, message: 'must be a non-negative int32' }]);
  return Number(v);
}

/** skip (default 0) and limit (default and maximum 50: larger values are clamped). */
export function pageParams(q: Query): Page {
  const skip = integer(q, 'skip') ?? 0;
  const limit = Math.min(integer(q, 'limit') ?? DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT);
  return { skip, limit };
}

/** An object id (query or path): URL-safe, 1–128 characters. */
export function objectId(value: string | undefined, name: string): string {
  if (value === undefined || !OBJECT_ID.test(value)) throw badRequest(`${name} must be 1 to 128 letters, digits, "_" or "-", got ${JSON.stringify(value ?? null)}`, [{ path: name, message: 'must match ^[a-zA-Z0-9_-]*$ (1 to 128 characters)' }]);
  return value;
}

/** An optional object id query parameter. */
export function optionalId(q: Query, name: string): string | undefined {
  const v = one(q, name);
  return v === undefined ? undefined : objectId(v, name);
}

/** An optional string query parameter (1–128 characters). */
export function optionalName(q: Query, name: string): string | undefined {
  const v = one(q, name);
  if (v === undefined) return undefined;
  if (v.length < 1 || v.length > 128) throw badRequest(`query parameter ${name} must have 1 to 128 characters`, [{ path: name, message: 'length must be 1 to 128' }]);
  return v;
}

/** A list query parameter (`targets=a&targets=b`), each 1–128 characters. */
export function stringList(q: Query, name: string): string[] | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v : [v];
  for (const s of list) if (s.length < 1 || s.length > 128) throw badRequest(`each ${name} value must have 1 to 128 characters`, [{ path: name, message: 'length must be 1 to 128' }]);
  return list;
}

/** The `objects` list of searchSubscriptions (object types). */
export function objectTypes(q: Query, name: string): string[] | undefined {
  const list = stringList(q, name);
  for (const s of list ?? []) if (!(OBJECT_TYPES as readonly string[]).includes(s)) throw badRequest(`${name} must list object types (${OBJECT_TYPES.join(', ')}), got "${s}"`, [{ path: name, message: `must be one of ${OBJECT_TYPES.join(', ')}` }]);
  return list;
}

/** A boolean query parameter (`true` or `false`). */
export function bool(q: Query, name: string): boolean | undefined {
  const v = one(q, name);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw badRequest(`query parameter ${name} must be true or false, got "${v}"`, [{ path: name, message: 'must be true or false' }]);
  return v === 'true';
}
