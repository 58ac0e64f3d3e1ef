/**
 * VEN objects. Business logic writes the `BL_VEN_REQUEST` form (clientID, venName, targets,
 * attributes); a VEN writes the `VEN_VEN_REQUEST` form (venName, attributes) for itself: the VTN
 * sets clientID from its token and keeps the targets business logic gave it (a VEN cannot target
 * itself). venName and clientID are unique. A VEN reads only its own VEN object. Deleting a VEN
 * deletes its resources.
 */
import type { Db } from '../../../store/database.ts';
import { newId } from '../../../store/ids.ts';
import type { Principal } from '../auth/scopes.ts';
import type { VtnContext } from '../context.ts';
import { VtnError, badRequest, conflict, notFound } from '../problem.ts';
import type { Change, OadrObject, Page } from '../types.ts';
import { constraintAsConflict, deleteTargets, isVen, list, pageOf, parseBody, readTargets, targetIn, targetList, withMetadata, writeTargets } from './common.ts';

/** A ven request (validated; either form). */
export interface VenRequest {
  objectType: 'BL_VEN_REQUEST' | 'VEN_VEN_REQUEST';
  venName: string;
  clientID?: string;
  targets?: string[] | null;
  attributes?: unknown;
  [field: string]: unknown;
}

/** Checks that the form fits the author: BL form from business logic, VEN form from a VEN. */
export function assertForm(author: Principal, objectType: string, blForm: string, venForm: string): void {
  if (isVen(author) && objectType === blForm) throw new VtnError(403, `a VEN writes the ${venForm} form: clientID and targets are set by business logic`);
  if (!isVen(author) && objectType === venForm) throw badRequest(`business logic writes the ${blForm} form (with clientID)`, [{ path: 'objectType', message: `must be ${blForm} for a business-logic client` }]);
}

function change(operation: Change['operation'], object: OadrObject, targets: string[]): Change {
  return { objectType: 'VEN', operation, object, programId: null, targets, ownerClientId: String(object.clientID), venId: object.id };
}

/** VEN objects in the store. */
export class VenRepository {
  constructor(private readonly ctx: VtnContext) {}

  async list(viewer: Principal, q: { venName?: string; targets?: string[] }, page: Page): Promise<OadrObject[]> {
    let query = this.ctx.store.db.selectFrom('oadr_vens').select('body_json');
    if (isVen(viewer)) query = query.where('client_id', '=', viewer.clientId);
    if (q.venName !== undefined) query = query.where('ven_name', '=', q.venName);
    if (q.targets?.length) query = query.where(targetIn('VEN', 'oadr_vens.id', list(q.targets)));
    const { limit, offset } = pageOf(page);
    const rows = await query.orderBy('created_at_ms').orderBy('id').limit(limit).offset(offset).execute();
    return rows.map((r) => parseBody(r.body_json));
  }

  async get(viewer: Principal, id: string): Promise<OadrObject> {
    let query = this.ctx.store.db.selectFrom('oadr_vens').select('body_json').where('id', '=', id);
    if (isVen(viewer)) query = query.where('client_id', '=', viewer.clientId);
    const row = await query.executeTakeFirst();
    if (!row) throw notFound('ven', id);
    return parseBody(row.body_json);
  }

  async create(author: Principal, req: VenRequest): Promise<OadrObject> {
    assertForm(author, req.objectType, 'BL_VEN_REQUEST', 'VEN_VEN_REQUEST');
    return this.ctx.change(async (trx) => {
      const clientId = isVen(author) ? author.clientId : String(req.clientID);
      await this.#assertUnique(trx, req.venName, clientId, null);
      const t = this.ctx.now();
      const id = newId(t);
      const targets = isVen(author) ? [] : targetList(req.targets);
      const { objectType: _form, ...fields } = req;
      const obj = withMetadata('VEN', id, t, t, isVen(author) ? { ...fields, clientID: clientId, targets: null } : fields);
      await trx.insertInto('oadr_vens').values({ id, ven_name: req.venName, client_id: clientId, created_at_ms: t, modified_at_ms: t, body_json: JSON.stringify(obj) }).execute().catch(constraintAsConflict);
      await writeTargets(trx, 'VEN', id, targets, true);
      return { result: obj, changes: [change('CREATE', obj, targets)] };
    });
  }

  async update(author: Principal, id: string, req: VenRequest): Promise<OadrObject> {
    assertForm(author, req.objectType, 'BL_VEN_REQUEST', 'VEN_VEN_REQUEST');
    return this.ctx.change(async (trx) => {
      const row = await this.#writable(trx, author, id);
      const old = parseBody(row.body_json);
      const clientId = isVen(author) ? row.client_id : String(req.clientID);
      await this.#assertUnique(trx, req.venName, clientId, id);
      const t = Math.max(this.ctx.now(), row.created_at_ms);
      const { objectType: _form, ...fields } = req;
      const targets = isVen(author) ? await readTargets(trx, 'VEN', id) : targetList(req.targets);
      const obj = withMetadata('VEN', id, row.created_at_ms, t, isVen(author) ? { ...fields, clientID: clientId, targets: old.targets ?? null } : fields);
      await trx.updateTable('oadr_vens').set({ ven_name: req.venName, client_id: clientId, modified_at_ms: t, body_json: JSON.stringify(obj) }).where('id', '=', id).execute().catch(constraintAsConflict);
      if (!isVen(author)) await writeTargets(trx, 'VEN', id, targets);
      return { result: obj, changes: [change('UPDATE', obj, targets)] };
    });
  }

  async delete(author: Principal, id: string): Promise<OadrObject> {
    return this.ctx.change(async (trx) => {
      const row = await this.#writable(trx, author, id);
      const obj = parseBody(row.body_json);
      const targets = await readTargets(trx, 'VEN', id);
      const resources = await trx.selectFrom('oadr_resources').select(['id', 'body_json', 'client_id']).where('ven_id', '=', id).execute();
      const changes: Change[] = [];
      for (const r of resources) changes.push({ objectType: 'RESOURCE', operation: 'DELETE', object: parseBody(r.body_json), programId: null, targets: await readTargets(trx, 'RESOURCE', r.id), ownerClientId: r.client_id, venId: id });
      changes.push(change('DELETE', obj, targets));
      return {
        result: obj,
        changes,
        after: async () => {
          await deleteTargets(trx, 'RESOURCE', resources.map((r) => r.id));
          await trx.deleteFrom('oadr_resources').where('ven_id', '=', id).execute();
          await deleteTargets(trx, 'VEN', [id]);
          await trx.deleteFrom('oadr_vens').where('id', '=', id).execute();
        },
      };
    });
  }

  async #writable(trx: Db, author: Principal, id: string) {
    let q = trx.selectFrom('oadr_vens').selectAll().where('id', '=', id);
    if (isVen(author)) q = q.where('client_id', '=', author.clientId);
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('ven', id);
    return row;
  }

  async #assertUnique(trx: Db, venName: string, clientId: string, exceptId: string | null): Promise<void> {
    const byName = await trx.selectFrom('oadr_vens').select('id').where('ven_name', '=', venName).executeTakeFirst();
    if (byName && byName.id !== exceptId) throw conflict(`a VEN named "${venName}" already exists (${byName.id}); venName must be unique`);
    const byClient = await trx.selectFrom('oadr_vens').select('id').where('client_id', '=', clientId).executeTakeFirst();
    if (byClient && byClient.id !== exceptId) throw conflict(`client ${clientId} already has a VEN (${byClient.id}); one VEN object per client`);
  }
}
