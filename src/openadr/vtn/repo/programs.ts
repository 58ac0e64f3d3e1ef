/** Programs: created and changed by business logic; read by VENs when untargeted or targeted at them. */
import { sql } from 'kysely';
import type { Db } from '../../../store/database.ts';
import { newId } from '../../../store/ids.ts';
import type { Principal } from '../auth/scopes.ts';
import type { VtnContext } from '../context.ts';
import { conflict, notFound } from '../problem.ts';
import type { Change, OadrObject, Page } from '../types.ts';
import { constraintAsConflict, isVen, list, pageOf, parseBody, programVisible, readTargets, targetIn, targetList, withMetadata, writeTargets, deleteTargets } from './common.ts';

/** A program request (validated). */
export interface ProgramRequest {
  programName: string;
  targets?: string[] | null;
  [field: string]: unknown;
}

function change(operation: Change['operation'], object: OadrObject, targets: string[]): Change {
  return { objectType: 'PROGRAM', operation, object, programId: object.id, targets, ownerClientId: null, venId: null };
}

/** Programs in the store. */
export class ProgramRepository {
  constructor(private readonly ctx: VtnContext) {}

  async list(viewer: Principal, q: { targets?: string[] }, page: Page): Promise<OadrObject[]> {
    let query = this.ctx.store.db.selectFrom('oadr_programs').select('body_json');
    if (isVen(viewer)) query = query.where(programVisible('oadr_programs.id', viewer.clientId));
    if (q.targets?.length) query = query.where(targetIn('PROGRAM', 'oadr_programs.id', list(q.targets)));
    const { limit, offset } = pageOf(page);
    const rows = await query.orderBy('created_at_ms').orderBy('id').limit(limit).offset(offset).execute();
    return rows.map((r) => parseBody(r.body_json));
  }

  async get(viewer: Principal, id: string, db: Db = this.ctx.store.db): Promise<OadrObject> {
    let query = db.selectFrom('oadr_programs').select('body_json').where('id', '=', id);
    if (isVen(viewer)) query = query.where(programVisible('oadr_programs.id', viewer.clientId));
    const row = await query.executeTakeFirst();
    if (!row) throw notFound('program', id);
    return parseBody(row.body_json);
  }

  async create(req: ProgramRequest): Promise<OadrObject> {
    return this.ctx.change(async (trx) => {
      await this.#assertNameFree(trx, req.programName, null);
      const t = this.ctx.now();
      const id = newId(t);
      const obj = withMetadata('PROGRAM', id, t, t, req);
      const targets = targetList(req.targets);
      await trx.insertInto('oadr_programs').values({ id, program_name: req.programName, created_at_ms: t, modified_at_ms: t, body_json: JSON.stringify(obj) }).execute().catch(constraintAsConflict);
      await writeTargets(trx, 'PROGRAM', id, targets);
      return { result: obj, changes: [change('CREATE', obj, targets)] };
    });
  }

  async update(id: string, req: ProgramRequest): Promise<OadrObject> {
    return this.ctx.change(async (trx) => {
      const row = await trx.selectFrom('oadr_programs').select(['created_at_ms']).where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('program', id);
      await this.#assertNameFree(trx, req.programName, id);
      const t = Math.max(this.ctx.now(), row.created_at_ms);
      const obj = withMetadata('PROGRAM', id, row.created_at_ms, t, req);
      const targets = targetList(req.targets);
      await trx.updateTable('oadr_programs').set({ program_name: req.programName, modified_at_ms: t, body_json: JSON.stringify(obj) }).where('id', '=', id).execute().catch(constraintAsConflict);
      await writeTargets(trx, 'PROGRAM', id, targets);
      return { result: obj, changes: [change('UPDATE', obj, targets)] };
    });
  }

  async delete(id: string): Promise<OadrObject> {
    return this.ctx.change(async (trx) => {
      const row = await trx.selectFrom('oadr_programs').select('body_json').where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('program', id);
      const events = await trx.selectFrom('oadr_events').select(sql<number>`count(*)`.as('n')).where('program_id', '=', id).executeTakeFirstOrThrow();
      if (Number(events.n) > 0) throw conflict(`program ${id} still has ${Number(events.n)} event(s); delete them first`);
      const obj = parseBody(row.body_json);
      const targets = await readTargets(trx, 'PROGRAM', id);
      await trx.deleteFrom('oadr_programs').where('id', '=', id).execute().catch(constraintAsConflict);
      await deleteTargets(trx, 'PROGRAM', [id]);
      return { result: obj, changes: [change('DELETE', obj, targets)] };
    });
  }

  async #assertNameFree(trx: Db, name: string, exceptId: string | null): Promise<void> {
    const other = await trx.selectFrom('oadr_programs').select('id').where('program_name', '=', name).executeTakeFirst();
    if (other && other.id !== exceptId) throw conflict(`a program named "${name}" already exists (${other.id}); programName must be unique`);
  }
}
