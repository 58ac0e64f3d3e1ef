/**
 * Runs and their life cycle. Every status change is one conditional UPDATE (`… WHERE status IN
 * (allowed sources)`), so two processes racing on a run cannot both win, and an illegal change
 * (a succeeded run starting again) fails with CONFLICT naming the current status:
 *
 *     queued ─► running ─► succeeded
 *       │          ├─────► failed
 *       └──────────┴─────► cancelled | interrupted      (terminal states never change)
 */
import type { Selectable } from 'kysely';
import { insertBlobs, prepareBlobs } from './blobs.ts';
import { bundlePath } from './bundle.ts';
import { pageLimit, type StoreContext } from './context.ts';
import type { Db, RunsTable } from './database.ts';
import { StoreError } from './errors.ts';
import { newId } from './ids.ts';
import { encodeLedger, insertLedger } from './ledgers.ts';
import type { RunRepository } from './store.ts';
import { RUN_STATUSES, type Completion, type CompletionOutcome, type JsonObject, type NewRun, type ResultInput, type ResultKind, type Run, type RunError, type RunPage, type RunQuery, type RunStatus } from './types.ts';

/** Code recorded on runs found unfinished at start-up. */
export const INTERRUPTED_CODE = 'RUN_INTERRUPTED';

/** Maps a row to a Run. */
export function rowToRun(r: Selectable<RunsTable>): Run {
  return {
    id: r.id,
    scenarioId: r.scenario_id,
    command: r.command,
    options: JSON.parse(r.options_json) as JsonObject,
    status: r.status as RunStatus,
    progress: r.progress,
    phase: r.phase,
    error: r.error_json === null ? null : (JSON.parse(r.error_json) as RunError),
    softwareVersion: r.software_version,
    createdAtMs: r.created_at_ms,
    startedAtMs: r.started_at_ms,
    finishedAtMs: r.finished_at_ms,
    updatedAtMs: r.updated_at_ms,
    timings: r.timings_json === null ? null : (JSON.parse(r.timings_json) as Record<string, number>),
    createdBy: r.created_by,
    rerunOf: r.rerun_of,
    heartbeatAtMs: r.heartbeat_at_ms,
    leaseOwner: r.lease_owner,
    note: r.note,
  };
}

/** The kind a result gets when none is given. */
export function defaultKind(name: string, mediaType: string): ResultKind {
  if (name === 'summary.json') return 'summary';
  return /^application\/([\w.+-]+\+)?json\b/.test(mediaType) ? 'document' : 'artefact';
}

/** A result's content as bytes (text as UTF-8; pieces of text joined). */
async function contentBytes(content: ResultInput['content']): Promise<Uint8Array> {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  if (content instanceof Uint8Array) return content;
  const parts: Buffer[] = [];
  for await (const piece of content) parts.push(Buffer.from(piece, 'utf8'));
  return Buffer.concat(parts);
}

function checkStatus(s: string): RunStatus {
  if (!(RUN_STATUSES as readonly string[]).includes(s)) throw new StoreError('QUERY_INVALID', `unknown run status "${s}"; valid: ${RUN_STATUSES.join(', ')}`, { status: s });
  return s as RunStatus;
}

/** SQL-backed runs. */
export class SqlRunRepository implements RunRepository {
  constructor(private readonly ctx: StoreContext) {}

  async create(input: NewRun): Promise<Run> {
    const { db, now } = this.ctx;
    if (!input.command) throw new RangeError('a run needs a command');
    if (!input.softwareVersion) throw new RangeError('a run needs the software version');
    const scenario = await db.selectFrom('scenarios').select('id').where('id', '=', input.scenarioId).executeTakeFirst();
    if (!scenario) throw new StoreError('NOT_FOUND', `scenario ${input.scenarioId} is not stored`, { scenarioId: input.scenarioId });
    if (input.rerunOf) {
      const prior = await db.selectFrom('runs').select('id').where('id', '=', input.rerunOf).executeTakeFirst();
      if (!prior) throw new StoreError('NOT_FOUND', `run ${input.rerunOf} (to rerun) does not exist`, { runId: input.rerunOf });
    }
    const t = now();
    const row = await db
      .insertInto('runs')
      .values({
        id: newId(t),
        scenario_id: input.scenarioId,
        command: input.command,
        options_json: JSON.stringify(input.options ?? {}),
        status: 'queued',
        progress: 0,
        phase: null,
        error_json: null,
        software_version: input.softwareVersion,
        created_at_ms: t,
        started_at_ms: null,
        finished_at_ms: null,
        updated_at_ms: t,
        timings_json: null,
        created_by: input.createdBy ?? null,
        rerun_of: input.rerunOf ?? null,
        heartbeat_at_ms: null,
        lease_owner: null,
        note: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return rowToRun(row);
  }

  async get(id: string): Promise<Run | undefined> {
    const row = await this.ctx.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && rowToRun(row);
  }

  async list(query: RunQuery = {}): Promise<RunPage> {
    const limit = pageLimit(query.limit, 50, 500, 'run list');
    let qb = this.ctx.db.selectFrom('runs').selectAll();
    if (query.status !== undefined) {
      const statuses = (Array.isArray(query.status) ? query.status : [query.status]).map(checkStatus);
      if (statuses.length === 0) return { runs: [], next: null };
      qb = qb.where('status', 'in', statuses);
    }
    if (query.scenarioId !== undefined) qb = qb.where('scenario_id', '=', query.scenarioId);
    if (query.command !== undefined) qb = qb.where('command', '=', query.command);
    if (query.createdBy !== undefined) qb = qb.where('created_by', '=', query.createdBy);
    if (query.cursor !== undefined) qb = qb.where('id', '<', query.cursor);
    const rows = await qb.orderBy('id', 'desc').limit(limit + 1).execute();
    const runs = rows.slice(0, limit).map(rowToRun);
    return { runs, next: rows.length > limit ? (runs.at(-1)?.id ?? null) : null };
  }

  /** Applies a change if the run is in one of `from`; otherwise NOT_FOUND or CONFLICT. */
  private async transition(q: Db, id: string, from: RunStatus[], set: Partial<RunsTable>, what: string, extra?: { owner?: string }): Promise<Run> {
    let qb = q.updateTable('runs').set({ ...set, updated_at_ms: this.ctx.now() }).where('id', '=', id).where('status', 'in', from);
    if (extra?.owner !== undefined) qb = qb.where('lease_owner', '=', extra.owner);
    const row = await qb.returningAll().executeTakeFirst();
    if (row) return rowToRun(row);
    const cur = await q.selectFrom('runs').select(['status', 'lease_owner']).where('id', '=', id).executeTakeFirst();
    if (!cur) throw new StoreError('NOT_FOUND', `run ${id} does not exist`, { runId: id });
    if (from.includes(cur.status as RunStatus)) {
      throw new StoreError('CONFLICT', `run ${id} is leased by ${cur.lease_owner ?? 'nobody'}, not ${extra?.owner}; cannot ${what}`, { runId: id, status: cur.status, leaseOwner: cur.lease_owner });
    }
    throw new StoreError('CONFLICT', `run ${id} is ${cur.status}; cannot ${what} (only a ${from.join(' or ')} run can)`, { runId: id, status: cur.status });
  }

  async start(id: string, opts: { owner?: string } = {}): Promise<Run> {
    const t = this.ctx.now();
    return this.transition(this.ctx.db, id, ['queued'], { status: 'running', started_at_ms: t, heartbeat_at_ms: t, lease_owner: opts.owner ?? null }, 'start');
  }

  async progress(id: string, progress: number, phase?: string | null): Promise<Run> {
    if (!Number.isFinite(progress) || progress < 0 || progress > 1) throw new RangeError(`progress must be between 0 and 1, got ${progress}`);
    const set: Partial<RunsTable> = { progress, heartbeat_at_ms: this.ctx.now() };
    if (phase !== undefined) set.phase = phase;
    return this.transition(this.ctx.db, id, ['running'], set, 'report progress');
  }

  async heartbeat(id: string, owner?: string): Promise<Run> {
    return this.transition(this.ctx.db, id, ['running'], { heartbeat_at_ms: this.ctx.now() }, 'beat', owner === undefined ? undefined : { owner });
  }

  async complete(id: string, c: Completion): Promise<CompletionOutcome> {
    const names = new Set<string>();
    const results: Array<{ name: string; mediaType: string; kind: ResultKind; content: Uint8Array }> = [];
    for (const r of c.results) {
      const name = bundlePath(r.name, 'result name');
      if (names.has(name)) throw new StoreError('CONFLICT', `result "${name}" is given twice`, { name });
      names.add(name);
      if (!r.mediaType) throw new RangeError(`result "${name}" needs a media type`);
      results.push({ name, mediaType: r.mediaType, kind: r.kind ?? defaultKind(name, r.mediaType), content: await contentBytes(r.content) });
    }
    const existing = await this.get(id);
    if (!existing) throw new StoreError('NOT_FOUND', `run ${id} does not exist`, { runId: id });
    if (existing.status === 'succeeded') return { run: existing, written: false };
    if (existing.status !== 'running') throw new StoreError('CONFLICT', `run ${id} is ${existing.status}; cannot succeed (only a running run can)`, { runId: id, status: existing.status });
    // The slow part (hashing, compressing) happens before the write transaction.
    const { shas, blobs } = await prepareBlobs(this.ctx.db, results.map((r) => r.content));
    const ledger = c.ledger ? await encodeLedger(c.ledger.ledger, c.ledger.siteTimeZones, c.ledger.chunkSteps) : undefined;
    return this.ctx.transaction(async (trx) => {
      const t = this.ctx.now();
      const set: Partial<RunsTable> = { status: 'succeeded', progress: 1, finished_at_ms: t, heartbeat_at_ms: t };
      if (c.timings) set.timings_json = JSON.stringify(c.timings);
      if (c.note !== undefined) set.note = c.note;
      let run: Run;
      try {
        run = await this.transition(trx, id, ['running'], set, 'succeed');
      } catch (e) {
        // a concurrent completion won: same outcome, nothing more to write
        if (e instanceof StoreError && e.details.status === 'succeeded') return { run: rowToRun(await trx.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirstOrThrow()), written: false };
        throw e;
      }
      await insertBlobs(trx, blobs);
      for (let i = 0; i < results.length; i += 200) {
        await trx
          .insertInto('results')
          .values(results.slice(i, i + 200).map((r, j) => ({ run_id: id, name: r.name, kind: r.kind, media_type: r.mediaType, blob_sha256: shas[i + j] as string, size_bytes: r.content.byteLength })))
          .execute();
      }
      if (ledger) await insertLedger(trx, id, ledger);
      return { run, written: true };
    });
  }

  async fail(id: string, error: RunError, opts: { timings?: Record<string, number> } = {}): Promise<Run> {
    if (!error?.code || typeof error.message !== 'string') throw new RangeError('a run error needs a code and a message');
    const set: Partial<RunsTable> = { status: 'failed', error_json: JSON.stringify(error), finished_at_ms: this.ctx.now() };
    if (opts.timings) set.timings_json = JSON.stringify(opts.timings);
    return this.transition(this.ctx.db, id, ['queued', 'running'], set, 'fail');
  }

  async cancel(id: string, note?: string): Promise<Run> {
    const set: Partial<RunsTable> = { status: 'cancelled', finished_at_ms: this.ctx.now() };
    if (note !== undefined) set.note = note;
    return this.transition(this.ctx.db, id, ['queued', 'running'], set, 'be cancelled');
  }

  async requeue(id: string): Promise<Run> {
    return this.transition(this.ctx.db, id, ['running'], { status: 'queued', started_at_ms: null, heartbeat_at_ms: null, lease_owner: null, progress: 0, phase: null }, 'be queued again');
  }

  async markInterrupted(opts: { note?: string; staleBeforeMs?: number } = {}): Promise<string[]> {
    const t = this.ctx.now();
    const note = opts.note ?? 'the process running this run stopped before it finished';
    let qb = this.ctx.db
      .updateTable('runs')
      .set({ status: 'interrupted', finished_at_ms: t, updated_at_ms: t, note, error_json: JSON.stringify({ code: INTERRUPTED_CODE, message: note } satisfies RunError) })
      .where('status', 'in', ['queued', 'running']);
    if (opts.staleBeforeMs !== undefined) {
      const stale = opts.staleBeforeMs;
      qb = qb.where((eb) => eb(eb.fn.coalesce('heartbeat_at_ms', 'updated_at_ms'), '<', stale));
    }
    const rows = await qb.returning('id').execute();
    return rows.map((r) => r.id).sort();
  }
}
