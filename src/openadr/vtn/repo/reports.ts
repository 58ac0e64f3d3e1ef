/** Reports: written by VENs about events they see; a VEN reads its own, business logic all. */
import { sql } from 'kysely';
import type { Db } from '../../../store/database.ts';
import { newId } from '../../../store/ids.ts';
import type { Principal } from '../auth/scopes.ts';
import type { VtnContext } from '../context.ts';
import { conflict, notFound } from '../problem.ts';
import type { Change, OadrObject, Page } from '../types.ts';
import { constraintAsConflict, eventVisible, isVen, pageOf, parseBody, withMetadata } from './common.ts';

/** A report request (validated). */
export interface ReportRequest {
  eventID: string;
  clientName: string;
  [field: string]: unknown;
}

/** Reports in the store. */
export class ReportRepository {
  constructor(private readonly ctx: VtnContext) {}

  async list(viewer: Principal, q: { programID?: string; eventID?: string; clientName?: string }, page: Page): Promise<OadrObject[]> {
    let query = this.ctx.store.db.selectFrom('oadr_reports').select('body_json');
    if (isVen(viewer)) query = query.where('client_id', '=', viewer.clientId);
    if (q.programID !== undefined) query = query.where('program_id', '=', q.programID);
    if (q.eventID !== undefined) query = query.where('event_id', '=', q.eventID);
    if (q.clientName !== undefined) query = query.where('client_name', '=', q.clientName);
    const { limit, offset } = pageOf(page);
    const rows = await query.orderBy('created_at_ms').orderBy('id').limit(limit).offset(offset).execute();
    return rows.map((r) => parseBody(r.body_json));
  }

  async get(viewer: Principal, id: string): Promise<OadrObject> {
    let query = this.ctx.store.db.selectFrom('oadr_reports').select('body_json').where('id', '=', id);
    if (isVen(viewer)) query = query.where('client_id', '=', viewer.clientId);
    const row = await query.executeTakeFirst();
    if (!row) throw notFound('report', id);
    return parseBody(row.body_json);
  }

  async create(author: Principal, req: ReportRequest): Promise<OadrObject> {
    return this.ctx.change(async (trx) => {
      const t = this.ctx.now();
      const id = newId(t);
      const obj = withMetadata('REPORT', id, t, t, { ...req, clientID: author.clientId });
      // one statement: the row is taken from the event the author may see (its program with it),
      // so no event, no row; a round trip less per report on PostgreSQL
      let event = trx.selectFrom('oadr_events').where('oadr_events.id', '=', req.eventID);
      if (isVen(author)) event = event.where(eventVisible('oadr_events.id', 'oadr_events.program_id', author.clientId));
      const made = await trx
        .insertInto('oadr_reports')
        .columns(['id', 'event_id', 'program_id', 'client_id', 'client_name', 'created_at_ms', 'modified_at_ms', 'body_json'])
        .expression(
          event.select((eb) => [
            eb.val(id).as('id'),
            'oadr_events.id as event_id',
            'oadr_events.program_id as program_id',
            eb.val(author.clientId).as('client_id'),
            eb.val(req.clientName).as('client_name'),
            // typed: PostgreSQL reads a bare parameter in a select list as text
            sql<number>`cast(${t} as bigint)`.as('created_at_ms'),
            sql<number>`cast(${t} as bigint)`.as('modified_at_ms'),
            eb.val(JSON.stringify(obj)).as('body_json'),
          ]),
        )
        .returning('program_id')
        .executeTakeFirst()
        .catch(constraintAsConflict);
      if (!made) throw noEvent(req.eventID);
      return { result: obj, changes: [this.#change('CREATE', obj, made.program_id, author.clientId)] };
    });
  }

  async update(author: Principal, id: string, req: ReportRequest): Promise<OadrObject> {
    return this.ctx.change(async (trx) => {
      const row = await this.#own(trx, author, id);
      const programId = await this.#eventProgram(trx, author, req.eventID);
      const t = Math.max(this.ctx.now(), row.created_at_ms);
      const obj = withMetadata('REPORT', id, row.created_at_ms, t, { ...req, clientID: row.client_id });
      await trx
        .updateTable('oadr_reports')
        .set({ event_id: req.eventID, program_id: programId, client_name: req.clientName, modified_at_ms: t, body_json: JSON.stringify(obj) })
        .where('id', '=', id)
        .execute()
        .catch(constraintAsConflict);
      return { result: obj, changes: [this.#change('UPDATE', obj, programId, row.client_id)] };
    });
  }

  async delete(author: Principal, id: string): Promise<OadrObject> {
    return this.ctx.change(async (trx) => {
      const row = await this.#own(trx, author, id);
      await trx.deleteFrom('oadr_reports').where('id', '=', id).execute();
      const obj = parseBody(row.body_json);
      return { result: obj, changes: [this.#change('DELETE', obj, row.program_id, row.client_id)] };
    });
  }

  #change(operation: Change['operation'], object: OadrObject, programId: string, owner: string): Change {
    return { objectType: 'REPORT', operation, object, programId, targets: [], ownerClientId: owner, venId: null };
  }

  async #own(trx: Db, author: Principal, id: string) {
    let q = trx.selectFrom('oadr_reports').selectAll().where('id', '=', id);
    if (isVen(author)) q = q.where('client_id', '=', author.clientId);
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('report', id);
    return row;
  }

  /** The event's program; 409 when the event does not exist or the author may not see it. */
  async #eventProgram(trx: Db, author: Principal, eventId: string): Promise<string> {
    let q = trx.selectFrom('oadr_events').select('program_id').where('id', '=', eventId);
    if (isVen(author)) q = q.where(eventVisible('oadr_events.id', 'oadr_events.program_id', author.clientId));
    const ev = await q.executeTakeFirst();
    if (!ev) throw noEvent(eventId);
    return ev.program_id;
  }
}

function noEvent(eventId: string) {
  return conflict(`eventID ${eventId} names no event this client can see`);
}
