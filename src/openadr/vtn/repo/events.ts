/**
 * Events: created and changed by business logic under a program; a VEN reads those targeted at
 * it (by the event's targets, or, for an untargeted event, its program's).
 */
import type { Db } from '../../../store/database.ts';
import { newId } from '../../../store/ids.ts';
import { latestEndMs, type TimedObject } from '../../interval-timing.ts';
import type { Principal } from '../auth/scopes.ts';
import type { VtnContext } from '../context.ts';
import { conflict, notFound } from '../problem.ts';
import type { Change, OadrObject, Page } from '../types.ts';
import { constraintAsConflict, deleteTargets, eventTargeted, eventVisible, isVen, pageOf, parseBody, readTargets, targetList, withMetadata, writeTargets } from './common.ts';

/** An event request (validated). */
export interface EventRequest {
  programID: string;
  eventName?: string | null;
  targets?: string[] | null;
  [field: string]: unknown;
}

/** Events in the store. */
export class EventRepository {
  constructor(private readonly ctx: VtnContext) {}

  async list(viewer: Principal, q: { programID?: string; targets?: string[]; active?: boolean }, page: Page): Promise<OadrObject[]> {
    let query = this.ctx.store.db.selectFrom('oadr_events').select('body_json');
    if (isVen(viewer)) query = query.where(eventVisible('oadr_events.id', 'oadr_events.program_id', viewer.clientId));
    if (q.programID !== undefined) query = query.where('program_id', '=', q.programID);
    if (q.targets?.length) query = query.where(eventTargeted('oadr_events.id', 'oadr_events.program_id', q.targets));
    if (q.active) {
      const now = this.ctx.now();
      query = query.where((eb) => eb.or([eb('end_at_ms', 'is', null), eb('end_at_ms', '>', now)]));
    }
    const { limit, offset } = pageOf(page);
    const rows = await query.orderBy('created_at_ms').orderBy('id').limit(limit).offset(offset).execute();
    return rows.map((r) => parseBody(r.body_json));
  }

  async get(viewer: Principal, id: string, db: Db = this.ctx.store.db): Promise<OadrObject> {
    let query = db.selectFrom('oadr_events').select('body_json').where('id', '=', id);
    if (isVen(viewer)) query = query.where(eventVisible('oadr_events.id', 'oadr_events.program_id', viewer.clientId));
    const row = await query.executeTakeFirst();
    if (!row) throw notFound('event', id);
    return parseBody(row.body_json);
  }

  /** Targets deciding visibility: the event's own, or without any, its program's. */
  static async effectiveTargets(trx: Db, own: string[], programId: string): Promise<string[]> {
    return own.length ? own : readTargets(trx, 'PROGRAM', programId);
  }

  async create(req: EventRequest): Promise<OadrObject> {
    return this.ctx.change(async (trx) => {
      await this.#assertProgram(trx, req.programID);
      const t = this.ctx.now();
      const id = newId(t);
      const obj = withMetadata('EVENT', id, t, t, req);
      const targets = targetList(req.targets);
      await trx
        .insertInto('oadr_events')
        .values({ id, program_id: req.programID, event_name: req.eventName ?? null, created_at_ms: t, modified_at_ms: t, end_at_ms: latestEndMs(req as TimedObject, t), body_json: JSON.stringify(obj) })
        .execute()
        .catch(constraintAsConflict);
      await writeTargets(trx, 'EVENT', id, targets, true);
      return { result: obj, changes: [this.#change('CREATE', obj, await EventRepository.effectiveTargets(trx, targets, req.programID))] };
    });
  }

  async update(id: string, req: EventRequest): Promise<OadrObject> {
    return this.ctx.change(async (trx) => {
      const row = await trx.selectFrom('oadr_events').select(['created_at_ms']).where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('event', id);
      await this.#assertProgram(trx, req.programID);
      const t = Math.max(this.ctx.now(), row.created_at_ms);
      const obj = withMetadata('EVENT', id, row.created_at_ms, t, req);
      const targets = targetList(req.targets);
      await trx
        .updateTable('oadr_events')
        .set({ program_id: req.programID, event_name: req.eventName ?? null, modified_at_ms: t, end_at_ms: latestEndMs(req as TimedObject, row.created_at_ms), body_json: JSON.stringify(obj) })
        .where('id', '=', id)
        .execute()
        .catch(constraintAsConflict);
      await writeTargets(trx, 'EVENT', id, targets);
      return { result: obj, changes: [this.#change('UPDATE', obj, await EventRepository.effectiveTargets(trx, targets, req.programID))] };
    });
  }

  /**
   * Deletes the event and its reports (VENs' reports cannot be deleted by business logic, which
   * holds write_events but not write_reports, so they go with their event; each is notified).
   */
  async delete(id: string): Promise<OadrObject> {
    return this.ctx.change(async (trx) => {
      const row = await trx.selectFrom('oadr_events').select(['body_json', 'program_id']).where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('event', id);
      const obj = parseBody(row.body_json);
      const targets = await EventRepository.effectiveTargets(trx, await readTargets(trx, 'EVENT', id), row.program_id);
      const reports = await trx.selectFrom('oadr_reports').select(['body_json', 'client_id']).where('event_id', '=', id).execute();
      await trx.deleteFrom('oadr_reports').where('event_id', '=', id).execute();
      await trx.deleteFrom('oadr_events').where('id', '=', id).execute().catch(constraintAsConflict);
      await deleteTargets(trx, 'EVENT', [id]);
      const changes: Change[] = reports.map((r) => ({ objectType: 'REPORT', operation: 'DELETE', object: parseBody(r.body_json), programId: row.program_id, targets: [], ownerClientId: r.client_id, venId: null }));
      changes.push(this.#change('DELETE', obj, targets));
      return { result: obj, changes };
    });
  }

  #change(operation: Change['operation'], object: OadrObject, targets: string[]): Change {
    return { objectType: 'EVENT', operation, object, programId: String(object.programID), targets, ownerClientId: null, venId: null };
  }

  async #assertProgram(trx: Db, programId: string): Promise<void> {
    const p = await trx.selectFrom('oadr_programs').select('id').where('id', '=', programId).executeTakeFirst();
    if (!p) throw conflict(`programID ${programId} names no program; create the program first`);
  }
}
