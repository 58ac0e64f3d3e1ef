/**
 * Turns a change into notifications, inside the transaction that makes the change: webhook
 * deliveries are rows of `oadr_deliveries` (so a notification is stored exactly when its change
 * is, and survives a restart); MQTT publications are returned for the caller to publish after
 * the commit.
 *
 * Who is notified: active subscriptions listening to the object type and operation; with a
 * programID, only changes of that program's program, events and reports; with targets, only
 * programs, events, VENs and resources sharing one of them; and only subscribers that may see
 * the object (a VEN: its own reports, subscriptions, VEN and resources, and the programs and
 * events it may read).
 */
import { sql } from 'kysely';
import type { Db } from '../../../store/database.ts';
import { newId } from '../../../store/ids.ts';
import { list } from '../repo/common.ts';
import type { Change, OadrObject } from '../types.ts';
import { changeTopics } from './topics.ts';

/** One MQTT message to publish after commit. */
export interface Publication {
  topic: string;
  payload: string;
}

/** The notification document (the spec's `notification`). */
export function notificationOf(c: Change, object: OadrObject): Record<string, unknown> {
  const n: Record<string, unknown> = { objectType: c.objectType, operation: c.operation, object };
  if (c.targets.length) n.targets = c.targets;
  return n;
}

/** A subscription's callbacks with their bearer tokens hidden from anyone but its owner. */
export function redactSubscription(o: OadrObject, viewerClientId: string | null): OadrObject {
  if (o.objectType !== 'SUBSCRIPTION' || o.clientID === viewerClientId) return o;
  const ops = Array.isArray(o.objectOperations) ? (o.objectOperations as Record<string, unknown>[]) : [];
  return { ...o, objectOperations: ops.map((op) => (op.bearerToken ? { ...op, bearerToken: '***' } : op)) };
}

const PROGRAM_SCOPED = new Set(['PROGRAM', 'EVENT', 'REPORT']);
const TARGETED = new Set(['PROGRAM', 'EVENT', 'VEN', 'RESOURCE']);
const OWNED = new Set(['REPORT', 'SUBSCRIPTION', 'VEN', 'RESOURCE']);

interface SubscriptionBody {
  programID?: string | null;
  targets?: string[] | null;
  objectOperations?: { objects?: string[]; operations?: string[]; callbackUrl?: string; bearerToken?: string | null }[];
}

/** VENs (id, client id) that may see an object with these targets (all VENs when untargeted). */
export async function vensSeeing(trx: Db, targets: readonly string[]): Promise<{ id: string; client_id: string }[]> {
  if (targets.length === 0) return trx.selectFrom('oadr_vens').select(['id', 'client_id']).execute();
  // from the targets to the VENs through the (object_type, target) index: the cost follows the
  // VENs named, not the VENs registered (a per-VEN scan made a fleet's events quadratic)
  return trx
    .selectFrom('oadr_vens as v')
    .select(['v.id', 'v.client_id'])
    .where(
      sql<boolean>`v.id in (select t.object_id from oadr_targets t where t.object_type = 'VEN' and t.target in (${list(targets)}) union select r.ven_id from oadr_targets t join oadr_resources r on r.id = t.object_id where t.object_type = 'RESOURCE' and t.target in (${list(targets)}))`,
    )
    .execute();
}

interface SubscriptionRow {
  id: string;
  client_id: string;
  client_role: string;
  body_json: string;
}

/** Records the notifications of changes. */
export class Outbox {
  /**
   * The active subscriptions by object type, read once per transaction: the writes of a group
   * commit share one, and a query per change was a third of a report's round trips on
   * PostgreSQL. A write that changes subscriptions (or fails) calls {@link forget}.
   */
  readonly #subscriptions = new WeakMap<Db, Map<string, SubscriptionRow[]>>();

  constructor(
    private readonly opts: { now: () => number; mqttPrefix: string | null },
  ) {}

  /** Drops what this transaction read of the subscriptions (they changed in it, or a write was undone). */
  forget(trx: Db): void {
    this.#subscriptions.delete(trx);
  }

  async #active(trx: Db, objectType: string): Promise<SubscriptionRow[]> {
    let byType = this.#subscriptions.get(trx);
    if (!byType) this.#subscriptions.set(trx, (byType = new Map()));
    let rows = byType.get(objectType);
    if (!rows) {
      rows = await trx
        .selectFrom('oadr_subscriptions')
        .select(['id', 'client_id', 'client_role', 'body_json'])
        .where('status', '=', 'active')
        .where('object_types', 'like', `% ${objectType} %`)
        .execute();
      byType.set(objectType, rows);
    }
    return rows;
  }

  /** Queues webhook deliveries for `c` in `trx`; returns the MQTT messages to publish after commit. */
  async record(trx: Db, c: Change): Promise<Publication[]> {
    const subs = await this.#active(trx, c.objectType);
    let seeing: Set<string> | undefined;
    let seeingVens: { id: string; client_id: string }[] | undefined;
    const needSeeing = async () => {
      seeingVens ??= await vensSeeing(trx, c.targets);
      seeing ??= new Set(seeingVens.map((v) => v.client_id));
      return seeing;
    };
    const now = this.opts.now();
    const rows: { id: string; subscription_id: string; callback_url: string; bearer_token: string | null; body_json: string; status: string; attempts: number; next_at_ms: number; last_error: null; created_at_ms: number }[] = [];
    for (const s of subs) {
      const body = JSON.parse(s.body_json) as SubscriptionBody;
      if (body.programID && PROGRAM_SCOPED.has(c.objectType) && body.programID !== c.programId) continue;
      const subTargets = body.targets ?? [];
      if (subTargets.length && TARGETED.has(c.objectType) && !subTargets.some((t) => c.targets.includes(t))) continue;
      if (s.client_role === 'ven') {
        if (OWNED.has(c.objectType)) {
          if (c.ownerClientId !== s.client_id) continue;
        } else if (c.targets.length > 0 && !(await needSeeing()).has(s.client_id)) continue;
      }
      const callbacks = new Map<string, string | null>();
      for (const op of body.objectOperations ?? []) {
        if (!op.callbackUrl || !op.objects?.includes(c.objectType) || !op.operations?.includes(c.operation)) continue;
        callbacks.set(`${op.callbackUrl}\n${op.bearerToken ?? ''}`, op.bearerToken ?? null);
      }
      if (callbacks.size === 0) continue;
      const doc = JSON.stringify(notificationOf(c, redactSubscription(c.object, s.client_id)));
      for (const [key, token] of callbacks) {
        rows.push({ id: newId(now), subscription_id: s.id, callback_url: key.slice(0, key.indexOf('\n')), bearer_token: token, body_json: doc, status: 'pending', attempts: 0, next_at_ms: now, last_error: null, created_at_ms: now });
      }
    }
    for (let i = 0; i < rows.length; i += 200) await trx.insertInto('oadr_deliveries').values(rows.slice(i, i + 200)).execute();
    if (this.opts.mqttPrefix === null) return [];
    let venIds: string[] = [];
    if (c.objectType === 'PROGRAM' || c.objectType === 'EVENT') {
      await needSeeing();
      venIds = seeingVens!.map((v) => v.id);
    }
    const payload = JSON.stringify(notificationOf(c, redactSubscription(c.object, null)));
    return changeTopics(this.opts.mqttPrefix, c, venIds).map((topic) => ({ topic, payload }));
  }
}
