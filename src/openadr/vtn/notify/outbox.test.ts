import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../store/index.ts';
import type { Principal } from '../auth/scopes.ts';
import type { Change, OadrObject } from '../types.ts';
import { createVtn, type Vtn } from '../vtn.ts';

describe('Outbox', () => {
  let store: Store | undefined;
  let vtn: Vtn | undefined;
  afterEach(async () => {
    await vtn?.close();
    await store?.close();
  });

  it('reads the subscriptions once per group commit, and again after a write that changes them', async () => {
    store = await openStore(':memory:');
    // no time bound on a batch: the four writes below share one transaction however slow the machine
    vtn = await createVtn({ store, delivery: { paused: true, callbacks: { allow: ['loopback'], allowHttp: true } }, writeBatchMaxMs: Number.POSITIVE_INFINITY });
    const bl: Principal = { clientId: 'operator', role: 'bl', scopes: new Set(['read_all', 'write_vens', 'write_subscriptions']) };
    const c = await vtn.clients.create('ven');
    await vtn.vens.create(bl, { objectType: 'BL_VEN_REQUEST', venName: 'site', clientID: c.id, targets: ['site'] });
    const ven: Principal = { clientId: c.id, role: 'ven', scopes: new Set(c.scopes) };
    const program = await vtn.programs.create({ programName: 'p' });
    const event = await vtn.events.create({ programID: String(program.id), intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [1] }] }] });
    const report = (n: number) => vtn!.reports.create(ven, { programID: String(program.id), eventID: String(event.id), clientName: `r${n}`, resources: [] });
    // a subscription written in the same transaction as reports (the repository would first check
    // its callback, so its write is queued here directly, as that repository's write does it)
    const subscribe = () =>
      vtn!.context.change(async (trx) => {
        const body: OadrObject = { objectType: 'SUBSCRIPTION', id: 'sub-1', createdDateTime: '2026-01-01T00:00:00Z', modificationDateTime: '2026-01-01T00:00:00Z', clientName: 'bl', clientID: 'operator', objectOperations: [{ objects: ['REPORT'], operations: ['CREATE'], callbackUrl: 'http://127.0.0.1:9/reports' }] };
        await trx
          .insertInto('oadr_subscriptions')
          .values({ id: 'sub-1', client_id: 'operator', client_role: 'bl', client_name: 'bl', program_id: null, object_types: ' REPORT ', created_at_ms: 1, modified_at_ms: 1, body_json: JSON.stringify(body), status: 'active', failures: 0, broken_at_ms: null, last_error: null })
          .execute();
        const change: Change = { objectType: 'SUBSCRIPTION', operation: 'CREATE', object: body, programId: null, targets: [], ownerClientId: 'operator', venId: null };
        return { result: body, changes: [change] };
      });
    const commits = vtn.context.writes.commits;
    // issued together: one transaction, in this order
    const [first, , second, third] = await Promise.all([report(1), subscribe(), report(2), report(3)]);
    expect(vtn.context.writes.commits - commits).toBe(1);
    const notified = (await store.db.selectFrom('oadr_deliveries').select('body_json').execute()).map((d) => (JSON.parse(d.body_json) as { object: { id: string } }).object.id);
    // the report before the subscription is not notified; those after it are, once each
    expect(notified.sort()).toEqual([String(second.id), String(third.id)].sort());
    expect(notified).not.toContain(String(first.id));
  });
});
