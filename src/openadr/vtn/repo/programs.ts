/** Programs: created and changed by business logic; read by VENs when untargeted or targeted at them. */
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
      await writeTargets(trx, 'PROGRAM', id, targets, true);
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

  /**
   * Deletes the program with its events and their reports (the spec lists no 409 for
   * deleteProgram), each deletion notified.
   */
  async delete(id: string): Promise<OadrObject> {
    return this.ctx.change(async (trx) => {
      const row = await trx.selectFrom('oadr_programs').select('body_json').where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('program', id);
      const obj = parseBody(row.body_json);
      const targets = await readTargets(trx, 'PROGRAM', id);
      const changes: Change[] = [];
      const events = await trx.selectFrom('oadr_events').select(['id', 'body_json']).where('program_id', '=', id).orderBy('created_at_ms').orderBy('id').execute();
      for (const e of events) {
        const reports = await trx.selectFrom('oadr_reports').select(['body_json', 'client_id']).where('event_id', '=', e.id).execute();
        for (const r of reports) changes.push({ objectType: 'REPORT', operation: 'DELETE', object: parseBody(r.body_json), programId: id, targets: [], ownerClientId: r.client_id, venId: null });
        const own = await readTargets(trx, 'EVENT', e.id);
        changes.push({ objectType: 'EVENT', operation: 'DELETE', object: parseBody(e.body_json), programId: id, targets: own.length ? own : targets, ownerClientId: null, venId: null });
      }
      changes.push(change('DELETE', obj, targets));
      return {
        result: obj,
        changes,
        after: async () => {
          const ids = events.map((e) => e.id);
          if (ids.length) {
            await trx.deleteFrom('oadr_reports').where('event_id', 'in', ids).execute();
            await deleteTargets(trx, 'EVENT', ids);
            await trx.deleteFrom('oadr_events').where('program_id', '=', id).execute();
          }
          await trx.deleteFrom('oadr_programs').where('id', '=', id).execute();
          await deleteTargets(trx, 'PROGRAM', [id]);
        },
      };
    });
  }

  async #assertNameFree(trx: Db, name: string, exceptId: string | null): Promise<void> {
    const other = await trx.selectFrom('oadr_programs').select('id').where('program_name', '=', name).executeTakeFirst();
    if (other && other.id !== exceptId) throw conflict(`a program named "${name}" already exists (${other.id}); programName must be unique`);
  }
}
