/**
 * Shared pieces of the VTN's repositories: object metadata, targets rows, the SQL that decides
 * what a VEN may see, pagination and the mapping of database constraint errors to 409.
 *
 * What a VEN sees (docs/openadr.md, "Object privacy"): its own VEN object, resources, reports and
 * subscriptions (clientID = its client id); programs that are untargeted or share a target with
 * the VEN (its VEN object's targets and its resources' targets); events that share a target with
 * it, or, when the event has no targets, whose program it sees.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../../store/database.ts';
import type { Principal } from '../auth/scopes.ts';
import { conflict } from '../problem.ts';
import type { ObjectType, OadrObject, Page } from '../types.ts';

/** Fields the server owns: ignored in requests, set by the VTN. */
const METADATA = ['id', 'createdDateTime', 'modificationDateTime', 'objectType'];

/** UTC ms → RFC 3339 text. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The request's fields with the server's metadata in front. */
export function withMetadata(type: ObjectType, id: string, createdMs: number, modifiedMs: number, request: Record<string, unknown>): OadrObject {
  const fields = Object.fromEntries(Object.entries(request).filter(([k]) => !METADATA.includes(k)));
  return { id, createdDateTime: iso(createdMs), modificationDateTime: iso(modifiedMs), objectType: type, ...fields };
}

/** Distinct non-empty targets of a request field (null/absent: none). */
export function targetList(targets: unknown): string[] {
  return Array.isArray(targets) ? [...new Set(targets.filter((t): t is string => typeof t === 'string'))] : [];
}

/** Replaces the target rows of an object (`created`: the object is new in this write, so it has none to delete). */
export async function writeTargets(trx: Db, type: ObjectType, id: string, targets: readonly string[], created = false): Promise<void> {
  if (!created) await trx.deleteFrom('oadr_targets').where('object_type', '=', type).where('object_id', '=', id).execute();
  if (targets.length) await trx.insertInto('oadr_targets').values(targets.map((target) => ({ object_type: type, object_id: id, target }))).execute();
}

/** Deletes the target rows of objects. */
export async function deleteTargets(trx: Db, type: ObjectType, ids: readonly string[]): Promise<void> {
  if (ids.length) await trx.deleteFrom('oadr_targets').where('object_type', '=', type).where('object_id', 'in', ids).execute();
}

/** Targets of an object. */
export async function readTargets(db: Db, type: ObjectType, id: string): Promise<string[]> {
  return (await db.selectFrom('oadr_targets').select('target').where('object_type', '=', type).where('object_id', '=', id).orderBy('target').execute()).map((r) => r.target);
}

/** SQL: the targets of a client's VEN object and of its resources. */
export function venTargetsOf(clientId: string): RawBuilder<unknown> {
  return sql`select vt.target from oadr_targets vt where (vt.object_type = 'VEN' and vt.object_id in (select vv.id from oadr_vens vv where vv.client_id = ${clientId})) or (vt.object_type = 'RESOURCE' and vt.object_id in (select rr.id from oadr_resources rr join oadr_vens rv on rv.id = rr.ven_id where rv.client_id = ${clientId}))`;
}

/** SQL: the object (type, id column) has at least one target. */
export function hasTargets(type: ObjectType, idColumn: string): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from oadr_targets ht where ht.object_type = ${type} and ht.object_id = ${sql.ref(idColumn)})`;
}

/** SQL: one of the object's targets is in `set` (a subquery or a list). */
export function targetIn(type: ObjectType, idColumn: string, set: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from oadr_targets it where it.object_type = ${type} and it.object_id = ${sql.ref(idColumn)} and it.target in (${set}))`;
}

/** SQL list of values. */
export function list(values: readonly string[]): RawBuilder<unknown> {
  return sql.join(values.map((v) => sql`${v}`));
}

/** SQL: a program (id column) a VEN client sees. */
export function programVisible(idColumn: string, clientId: string): RawBuilder<boolean> {
  return sql<boolean>`(not ${hasTargets('PROGRAM', idColumn)} or ${targetIn('PROGRAM', idColumn, venTargetsOf(clientId))})`;
}

/** SQL: an event (id and program id columns) a VEN client sees. */
export function eventVisible(idColumn: string, programIdColumn: string, clientId: string): RawBuilder<boolean> {
  return sql<boolean>`((${hasTargets('EVENT', idColumn)} and ${targetIn('EVENT', idColumn, venTargetsOf(clientId))}) or (not ${hasTargets('EVENT', idColumn)} and ${programVisible(programIdColumn, clientId)}))`;
}

/** SQL: an event whose own targets (or, without any, its program's) meet `targets`. */
export function eventTargeted(idColumn: string, programIdColumn: string, targets: readonly string[]): RawBuilder<boolean> {
  return sql<boolean>`((${hasTargets('EVENT', idColumn)} and ${targetIn('EVENT', idColumn, list(targets))}) or (not ${hasTargets('EVENT', idColumn)} and ${targetIn('PROGRAM', programIdColumn, list(targets))}))`;
}

/** True when the principal is a VEN (whose reads are limited to what it may see). */
export function isVen(p: Principal): boolean {
  return p.role === 'ven';
}

/** Parses stored object JSON. */
export function parseBody(text: string): OadrObject {
  return JSON.parse(text) as OadrObject;
}

/** Applies a page to a query's rows order (created, id) — the callers order and page in SQL. */
export function pageOf(page: Page): { limit: number; offset: number } {
  return { limit: page.limit, offset: page.skip };
}

/**
 * Database constraint violations as 409 (a duplicate name that slipped past the check, a
 * reference to a row deleted meanwhile); anything else is rethrown.
 */
export function constraintAsConflict(e: unknown): never {
  const code = (e as { code?: string }).code ?? '';
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw conflict(`the change conflicts with a stored object (${(e as Error).message})`);
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw conflict(`the change names or leaves an object that does not exist (${(e as Error).message})`);
  throw e;
}
