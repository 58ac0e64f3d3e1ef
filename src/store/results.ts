/** A run's stored results: the summary, other JSON documents and artefact files. */
import { decodeBlob } from './blobs.ts';
import type { StoreContext } from './context.ts';
import type { ResultsTable } from './database.ts';
import type { ResultRepository } from './store.ts';
import type { EncodedResult, ResultContent, ResultKind, StoredResult } from './types.ts';

function toStored(r: ResultsTable): StoredResult {
  return { runId: r.run_id, name: r.name, kind: r.kind as ResultKind, mediaType: r.media_type, sha256: r.blob_sha256, sizeBytes: r.size_bytes };
}

/** SQL-backed results. */
export class SqlResultRepository implements ResultRepository {
  constructor(private readonly ctx: StoreContext) {}

  async list(runId: string): Promise<StoredResult[]> {
    const rows = await this.ctx.db.selectFrom('results').selectAll().where('run_id', '=', runId).orderBy('name').execute();
    return rows.map(toStored);
  }

  async getEncoded(runId: string, name: string): Promise<EncodedResult | undefined> {
    const row = await this.ctx.db
      .selectFrom('results')
      .innerJoin('blobs', 'blobs.sha256', 'results.blob_sha256')
      .select(['results.run_id', 'results.name', 'results.kind', 'results.media_type', 'results.blob_sha256', 'results.size_bytes', 'blobs.encoding', 'blobs.data'])
      .where('results.run_id', '=', runId)
      .where('results.name', '=', name)
      .executeTakeFirst();
    if (!row) return undefined;
    const data = Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength);
    return { ...toStored(row), encoding: row.encoding as 'identity' | 'br', data };
  }

  async get(runId: string, name: string): Promise<ResultContent | undefined> {
    const e = await this.getEncoded(runId, name);
    if (!e) return undefined;
    const { encoding, data, ...stored } = e;
    return { ...stored, content: await decodeBlob(e.sha256, encoding, data) };
  }

  async getJson<T = unknown>(runId: string, name: string): Promise<T | undefined> {
    const r = await this.get(runId, name);
    return r && (JSON.parse(r.content.toString('utf8')) as T);
  }
}
