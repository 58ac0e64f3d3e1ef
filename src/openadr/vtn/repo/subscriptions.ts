/**
 * Subscriptions: written by business logic and VENs; a VEN reads and changes its own. Their
 * callbacks are checked against the operator's callback policy when written (and again when
 * called). Bearer tokens of callbacks are shown only to the subscription's owner.
 */
import type { Db } from '../../../store/database.ts';
import { newId } from '../../../store/ids.ts';
import type { Principal } from '../auth/scopes.ts';
import type { VtnContext } from '../context.ts';
import { redactSubscription } from '../notify/outbox.ts';
import { CallbackRefused } from '../notify/callback-guard.ts';
import { badRequest, conflict, notFound } from '../problem.ts';
import type { Change, OadrObject, Page } from '../types.ts';
import { constraintAsConflict, isVen, pageOf, parseBody, programVisible, withMetadata } from './common.ts';

/** A subscription request (validated). */
export interface SubscriptionRequest {
  clientName: string;
  programID?: string | null;
  objectOperations: { objects: string[]; operations: string[]; callbackUrl: string; bearerToken?: string | null }[];
  targets?: string[] | null;
  [field: string]: unknown;
}

/** Delivery health of a subscription, for the operator. */
export interface SubscriptionHealth {
  id: string;
  clientId: string;
  clientName: string;
  status: 'active' | 'broken';
  failures: number;
  brokenAtMs: number | null;
  lastError: string | null;
  pendingDeliveries: number;
  deadDeliveries: number;
}

function objectTypesOf(req: SubscriptionRequest): string {
  const types = new Set(req.objectOperations.flatMap((o) => o.objects));
  return ` ${[...types].sort().join(' ')} `;
}

/** Subscriptions in the store. */
export class SubscriptionRepository {
  constructor(private readonly ctx: VtnContext) {}

  async list(viewer: Principal, q: { programID?: string; clientName?: string; objects?: string[] }, page: Page): Promise<OadrObject[]> {
    let query = this.ctx.store.db.selectFrom('oadr_subscriptions').select('body_json');
    if (isVen(viewer)) query = query.where('client_id', '=', viewer.clientId);
    if (q.programID !== undefined) query = query.where('program_id', '=', q.programID);
    if (q.clientName !== undefined) query = query.where('client_name', '=', q.clientName);
    if (q.objects?.length) query = query.where((eb) => eb.or(q.objects!.map((o) => eb('object_types', 'like', `% ${o} %`))));
    const { limit, offset } = pageOf(page);
    const rows = await query.orderBy('created_at_ms').orderBy('id').limit(limit).offset(offset).execute();
    return rows.map((r) => redactSubscription(parseBody(r.body_json), viewer.clientId));
  }

  async get(viewer: Principal, id: string): Promise<OadrObject> {
    let query = this.ctx.store.db.selectFrom('oadr_subscriptions').select('body_json').where('id', '=', id);
    if (isVen(viewer)) query = query.where('client_id', '=', viewer.clientId);
    const row = await query.executeTakeFirst();
    if (!row) throw notFound('subscription', id);
    return redactSubscription(parseBody(row.body_json), viewer.clientId);
  }

  async create(author: Principal, req: SubscriptionRequest): Promise<OadrObject> {
    await this.#checkCallbacks(req);
    return this.ctx.change(async (trx) => {
      await this.#assertProgram(trx, author, req.programID ?? null);
      const t = this.ctx.now();
      const id = newId(t);
      const obj = withMetadata('SUBSCRIPTION', id, t, t, { ...req, clientID: author.clientId });
      await trx
        .insertInto('oadr_subscriptions')
        .values({
          id,
          client_id: author.clientId,
          client_role: author.role,
          client_name: req.clientName,
          program_id: req.programID ?? null,
          object_types: objectTypesOf(req),
          created_at_ms: t,
          modified_at_ms: t,
          body_json: JSON.stringify(obj),
          status: 'active',
          failures: 0,
          broken_at_ms: null,
          last_error: null,
        })
        .execute()
        .catch(constraintAsConflict);
      return { result: obj, changes: [this.#change('CREATE', obj)] };
    });
  }

  /** Replaces the subscription; a broken one becomes active again (its owner fixed the callback). */
  async update(author: Principal, id: string, req: SubscriptionRequest): Promise<OadrObject> {
    await this.#checkCallbacks(req);
    return this.ctx.change(async (trx) => {
      const row = await this.#writable(trx, author, id);
      await this.#assertProgram(trx, author, req.programID ?? null);
      const t = Math.max(this.ctx.now(), row.created_at_ms);
      const obj = withMetadata('SUBSCRIPTION', id, row.created_at_ms, t, { ...req, clientID: row.client_id });
      await trx
        .updateTable('oadr_subscriptions')
        .set({ client_name: req.clientName, program_id: req.programID ?? null, object_types: objectTypesOf(req), modified_at_ms: t, body_json: JSON.stringify(obj), status: 'active', failures: 0, broken_at_ms: null, last_error: null })
        .where('id', '=', id)
        .execute();
      return { result: obj, changes: [this.#change('UPDATE', obj)] };
    });
  }

  async delete(author: Principal, id: string): Promise<OadrObject> {
    return this.ctx.change(async (trx) => {
      const row = await this.#writable(trx, author, id);
      const obj = parseBody(row.body_json);
      // the DELETE notification is recorded first, then the row and its pending deliveries go
      return { result: obj, changes: [this.#change('DELETE', obj)], after: () => trx.deleteFrom('oadr_subscriptions').where('id', '=', id).execute() };
    }).then((o) => redactSubscription(o, author.clientId));
  }

  /** Delivery health of every subscription (or the broken ones), for the operator. */
  async health(opts: { brokenOnly?: boolean } = {}): Promise<SubscriptionHealth[]> {
    let q = this.ctx.store.db.selectFrom('oadr_subscriptions').select(['id', 'client_id', 'client_name', 'status', 'failures', 'broken_at_ms', 'last_error']);
    if (opts.brokenOnly) q = q.where('status', '=', 'broken');
    const subs = await q.orderBy('created_at_ms').orderBy('id').execute();
    const counts = await this.ctx.store.db.selectFrom('oadr_deliveries').select(['subscription_id', 'status']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy(['subscription_id', 'status']).execute();
    const n = (id: string, status: string) => Number(counts.find((c) => c.subscription_id === id && c.status === status)?.n ?? 0);
    return subs.map((s) => ({ id: s.id, clientId: s.client_id, clientName: s.client_name, status: s.status as 'active' | 'broken', failures: s.failures, brokenAtMs: s.broken_at_ms, lastError: s.last_error, pendingDeliveries: n(s.id, 'pending'), deadDeliveries: n(s.id, 'dead') }));
  }

  #change(operation: Change['operation'], object: OadrObject): Change {
    return { objectType: 'SUBSCRIPTION', operation, object, programId: (object.programID as string | undefined) ?? null, targets: [], ownerClientId: String(object.clientID), venId: null };
  }

  async #writable(trx: Db, author: Principal, id: string) {
    let q = trx.selectFrom('oadr_subscriptions').selectAll().where('id', '=', id);
    if (isVen(author)) q = q.where('client_id', '=', author.clientId);
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('subscription', id);
    return row;
  }

  async #assertProgram(trx: Db, author: Principal, programId: string | null): Promise<void> {
    if (!programId) return;
    let q = trx.selectFrom('oadr_programs').select('id').where('id', '=', programId);
    if (isVen(author)) q = q.where(programVisible('oadr_programs.id', author.clientId));
    if (!(await q.executeTakeFirst())) throw conflict(`programID ${programId} names no program this client can see`);
  }

  async #checkCallbacks(req: SubscriptionRequest): Promise<void> {
    try {
      for (const op of req.objectOperations) await this.ctx.guard.check(op.callbackUrl);
    } catch (e) {
      if (e instanceof CallbackRefused) throw badRequest(e.message, [{ path: 'objectOperations', message: e.message }]);
      throw e;
    }
  }
}
