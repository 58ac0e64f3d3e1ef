/**
 * Resources of VENs. Business logic writes the `BL_RESOURCE_REQUEST` form (clientID, venID,
 * resourceName, targets, attributes); a VEN writes `VEN_RESOURCE_REQUEST` (venID, resourceName,
 * attributes) for its own VEN: clientID comes from its token and targets stay as business logic
 * set them. resourceName is unique within a VEN. A VEN reads only its own resources.
 */
import type { Db } from '../../../store/database.ts';
import { newId } from '../../../store/ids.ts';
import type { Principal } from '../auth/scopes.ts';
import type { VtnContext } from '../context.ts';
import { conflict, notFound } from '../problem.ts';
import type { Change, OadrObject, Page } from '../types.ts';
import { constraintAsConflict, deleteTargets, isVen, list, pageOf, parseBody, readTargets, targetIn, targetList, withMetadata, writeTargets } from './common.ts';
import { assertForm } from './vens.ts';

/** A resource request (validated; either form). */
export interface ResourceRequest {
  objectType: 'BL_RESOURCE_REQUEST' | 'VEN_RESOURCE_REQUEST';
  resourceName: string;
  venID: string;
  clientID?: string;
  targets?: string[] | null;
  [field: string]: unknown;
}

function change(operation: Change['operation'], object: OadrObject, targets: string[]): Change {
  return { objectType: 'RESOURCE', operation, object, programId: null, targets, ownerClientId: String(object.clientID), venId: String(object.venID) };
}

/** Resources in the store. */
export class ResourceRepository {
  constructor(private readonly ctx: VtnContext) {}

  async list(viewer: Principal, q: { resourceName?: string; venID?: string; targets?: string[] }, page: Page): Promise<OadrObject[]> {
    let query = this.ctx.store.db.selectFrom('oadr_resources').select('body_json');
    if (isVen(viewer)) query = query.where('client_id', '=', viewer.clientId);
    if (q.resourceName !== undefined) query = query.where('resource_name', '=', q.resourceName);
    if (q.venID !== undefined) query = query.where('ven_id', '=', q.venID);
    if (q.targets?.length) query = query.where(targetIn('RESOURCE', 'oadr_resources.id', list(q.targets)));
    const { limit, offset } = pageOf(page);
    const rows = await query.orderBy('created_at_ms').orderBy('id').limit(limit).offset(offset).execute();
    return rows.map((r) => parseBody(r.body_json));
  }

  async get(viewer: Principal, id: string): Promise<OadrObject> {
    let query = this.ctx.store.db.selectFrom('oadr_resources').select('body_json').where('id', '=', id);
    if (isVen(viewer)) query = query.where('client_id', '=', viewer.clientId);
    const row = await query.executeTakeFirst();
    if (!row) throw notFound('resource', id);
    return parseBody(row.body_json);
  }

  async create(author: Principal, req: ResourceRequest): Promise<OadrObject> {
    assertForm(author, req.objectType, 'BL_RESOURCE_REQUEST', 'VEN_RESOURCE_REQUEST');
    return this.ctx.change(async (trx) => {
      await this.#assertVen(trx, author, req.venID);
      await this.#assertNameFree(trx, req.venID, req.resourceName, null);
      const t = this.ctx.now();
      const id = newId(t);
      const clientId = isVen(author) ? author.clientId : String(req.clientID);
      const targets = isVen(author) ? [] : targetList(req.targets);
      const { objectType: _form, ...fields } = req;
      const obj = withMetadata('RESOURCE', id, t, t, isVen(author) ? { ...fields, clientID: clientId, targets: null } : fields);
      await trx.insertInto('oadr_resources').values({ id, ven_id: req.venID, resource_name: req.resourceName, client_id: clientId, created_at_ms: t, modified_at_ms: t, body_json: JSON.stringify(obj) }).execute().catch(constraintAsConflict);
      await writeTargets(trx, 'RESOURCE', id, targets, true);
      return { result: obj, changes: [change('CREATE', obj, targets)] };
    });
  }

  async update(author: Principal, id: string, req: ResourceRequest): Promise<OadrObject> {
    assertForm(author, req.objectType, 'BL_RESOURCE_REQUEST', 'VEN_RESOURCE_REQUEST');
    return this.ctx.change(async (trx) => {
      const row = await this.#writable(trx, author, id);
      await this.#assertVen(trx, author, req.venID);
      await this.#assertNameFree(trx, req.venID, req.resourceName, id);
      const old = parseBody(row.body_json);
      const t = Math.max(this.ctx.now(), row.created_at_ms);
      const clientId = isVen(author) ? row.client_id : String(req.clientID);
      const targets = isVen(author) ? await readTargets(trx, 'RESOURCE', id) : targetList(req.targets);
      const { objectType: _form, ...fields } = req;
      const obj = withMetadata('RESOURCE', id, row.created_at_ms, t, isVen(author) ? { ...fields, clientID: clientId, targets: old.targets ?? null } : fields);
      await trx.updateTable('oadr_resources').set({ ven_id: req.venID, resource_name: req.resourceName, client_id: clientId, modified_at_ms: t, body_json: JSON.stringify(obj) }).where('id', '=', id).execute().catch(constraintAsConflict);
      if (!isVen(author)) await writeTargets(trx, 'RESOURCE', id, targets);
      return { result: obj, changes: [change('UPDATE', obj, targets)] };
    });
  }

  async delete(author: Principal, id: string): Promise<OadrObject> {
    return this.ctx.change(async (trx) => {
      const row = await this.#writable(trx, author, id);
      const obj = parseBody(row.body_json);
      const targets = await readTargets(trx, 'RESOURCE', id);
      await trx.deleteFrom('oadr_resources').where('id', '=', id).execute();
      await deleteTargets(trx, 'RESOURCE', [id]);
      return { result: obj, changes: [change('DELETE', obj, targets)] };
    });
  }

  async #writable(trx: Db, author: Principal, id: string) {
    let q = trx.selectFrom('oadr_resources').selectAll().where('id', '=', id);
    if (isVen(author)) q = q.where('client_id', '=', author.clientId);
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('resource', id);
    return row;
  }

  /** The VEN must exist (404, as the spec lists for createResource); a VEN may only use its own. */
  async #assertVen(trx: Db, author: Principal, venId: string): Promise<void> {
    let q = trx.selectFrom('oadr_vens').select('id').where('id', '=', venId);
    if (isVen(author)) q = q.where('client_id', '=', author.clientId);
    if (!(await q.executeTakeFirst())) throw notFound('ven', venId);
  }

  async #assertNameFree(trx: Db, venId: string, name: string, exceptId: string | null): Promise<void> {
    const other = await trx.selectFrom('oadr_resources').select('id').where('ven_id', '=', venId).where('resource_name', '=', name).executeTakeFirst();
    if (other && other.id !== exceptId) throw conflict(`VEN ${venId} already has a resource named "${name}" (${other.id})`);
  }
}
