/** Scenario bundles, stored once per content (the id is the bundle hash, see bundle.ts). */
import { insertBlobs, prepareBlobs, readBlobs } from './blobs.ts';
import { listBundle, materialiseBundle } from './bundle.ts';
import { pageLimit, type StoreContext } from './context.ts';
import { StoreError } from './errors.ts';
import type { ScenarioRepository } from './store.ts';
import type { MaterialisedBundle, ScenarioBundle, ScenarioInfo, ScenarioPage } from './types.ts';

/** SQL-backed scenarios. */
export class SqlScenarioRepository implements ScenarioRepository {
  constructor(private readonly ctx: StoreContext) {}

  async put(bundle: ScenarioBundle, meta: { name: string; createdBy?: string | null }): Promise<{ scenario: ScenarioInfo; created: boolean }> {
    const listing = listBundle(bundle);
    if (!meta.name) throw new RangeError('a scenario needs a name');
    const have = await this.get(listing.id);
    if (have) return { scenario: have, created: false };
    const { blobs } = await prepareBlobs(this.ctx.db, listing.files.map((f) => f.content));
    const created = await this.ctx.transaction(async (trx) => {
      await insertBlobs(trx, blobs);
      const r = await trx
        .insertInto('scenarios')
        .values({ id: listing.id, name: meta.name, entry_path: listing.entry, size_bytes: listing.sizeBytes, file_count: listing.files.length, created_at_ms: this.ctx.now(), created_by: meta.createdBy ?? null })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0n) === 0) return false; // stored meanwhile by another writer
      for (let i = 0; i < listing.files.length; i += 200) {
        await trx
          .insertInto('scenario_files')
          .values(listing.files.slice(i, i + 200).map((f) => ({ scenario_id: listing.id, path: f.path, blob_sha256: f.sha256, size_bytes: f.sizeBytes })))
          .execute();
      }
      return true;
    });
    const scenario = await this.get(listing.id);
    if (!scenario) throw new Error(`scenario ${listing.id} vanished after being stored`);
    return { scenario, created };
  }

  async get(id: string): Promise<ScenarioInfo | undefined> {
    const row = await this.ctx.db.selectFrom('scenarios').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const files = await this.ctx.db.selectFrom('scenario_files').select(['path', 'blob_sha256', 'size_bytes']).where('scenario_id', '=', id).orderBy('path').execute();
    return {
      id: row.id,
      name: row.name,
      entry: row.entry_path,
      sizeBytes: row.size_bytes,
      createdAtMs: row.created_at_ms,
      createdBy: row.created_by,
      files: files.map((f) => ({ path: f.path, sha256: f.blob_sha256, sizeBytes: f.size_bytes })),
    };
  }

  async list(query: { limit?: number; cursor?: string } = {}): Promise<ScenarioPage> {
    const limit = pageLimit(query.limit, 50, 500, 'scenario list');
    let qb = this.ctx.db.selectFrom('scenarios').selectAll();
    if (query.cursor !== undefined) {
      const m = /^(\d+)\.([0-9a-f]{64})$/.exec(Buffer.from(query.cursor, 'base64url').toString('utf8'));
      if (!m) throw new StoreError('QUERY_INVALID', `scenario cursor "${query.cursor}" is not one this store returned`, { cursor: query.cursor });
      const at = Number(m[1]), id = m[2] as string;
      qb = qb.where((eb) => eb.or([eb('created_at_ms', '<', at), eb.and([eb('created_at_ms', '=', at), eb('id', '<', id)])]));
    }
    const rows = await qb.orderBy('created_at_ms', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      scenarios: page.map((r) => ({ id: r.id, name: r.name, entry: r.entry_path, sizeBytes: r.size_bytes, fileCount: r.file_count, createdAtMs: r.created_at_ms, createdBy: r.created_by })),
      next: rows.length > limit && last ? Buffer.from(`${last.created_at_ms}.${last.id}`).toString('base64url') : null,
    };
  }

  async readBundle(id: string): Promise<ScenarioBundle> {
    const info = await this.get(id);
    if (!info) throw new StoreError('NOT_FOUND', `scenario ${id} is not stored`, { scenarioId: id });
    const blobs = await readBlobs(this.ctx.db, info.files.map((f) => f.sha256));
    const files = info.files.map((f) => {
      const content = blobs.get(f.sha256);
      if (!content) throw new StoreError('CORRUPT', `file ${f.path} of scenario ${id} has no stored content`, { scenarioId: id, path: f.path });
      return { path: f.path, content };
    });
    const bundle = { entry: info.entry, files };
    if (listBundle(bundle).id !== id) throw new StoreError('CORRUPT', `scenario ${id} no longer hashes to its id`, { scenarioId: id });
    return bundle;
  }

  async materialise(id: string, dir?: string): Promise<MaterialisedBundle> {
    return materialiseBundle(await this.readBundle(id), dir);
  }
}
