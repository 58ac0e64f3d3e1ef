/**
 * Content-addressed blobs: keyed by the SHA-256 of their content, stored once however many
 * scenarios or runs use them, Brotli-compressed (quality 4) when that saves at least 10 %.
 * Quality 4 was smaller and faster than gzip -6 on real outputs (report.html 1,139 kB → 364 kB in
 * 21 ms; gzip -6: 383 kB in 52 ms; docs/benchmarks.md). Reads check the hash.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants } from 'node:zlib';
import type { Db } from './database.ts';
import { StoreError } from './errors.ts';

/** Compression calls kept in flight (libuv's pool has 4 threads by default). */
export const COMPRESS_CONCURRENCY = 8;
import { mapLimit } from '../concurrency/map-limit.ts';

const brotli = promisify(brotliCompress);
const unbrotli = promisify(brotliDecompress);

/** Brotli quality used for blobs. */
export const BLOB_BROTLI_QUALITY = 4;
/** Smaller blobs are stored as they are. */
const MIN_COMPRESS_BYTES = 256;
/** Keep the compressed form only below this share of the original size. */
const KEEP_RATIO = 0.9;
/** Rows per multi-row INSERT. */
const INSERT_BATCH = 200;

/** A blob ready to insert. */
export interface PreparedBlob {
  sha256: string;
  sizeBytes: number;
  encoding: 'identity' | 'br';
  data: Buffer;
}

/** SHA-256 of bytes, lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Text as UTF-8 bytes; bytes as a Buffer (no copy). */
export function toBytes(content: string | Uint8Array): Buffer {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
}

/** True for data that is already gzip, zip, PNG or JPEG (compressing again wastes time). */
function alreadyCompressed(b: Buffer): boolean {
  if (b.length < 4) return false;
  return (b[0] === 0x1f && b[1] === 0x8b) || (b[0] === 0x50 && b[1] === 0x4b) || (b[0] === 0x89 && b[1] === 0x50) || (b[0] === 0xff && b[1] === 0xd8);
}

/** Hashes and (off the main thread, in libuv's pool) compresses content. */
export async function prepareBlob(content: Uint8Array, sha256 = sha256Hex(content)): Promise<PreparedBlob> {
  const raw = toBytes(content);
  if (raw.length >= MIN_COMPRESS_BYTES && !alreadyCompressed(raw)) {
    const packed = await brotli(raw, {
      params: { [constants.BROTLI_PARAM_QUALITY]: BLOB_BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
    });
    if (packed.length <= raw.length * KEEP_RATIO) return { sha256, sizeBytes: raw.length, encoding: 'br', data: packed };
  }
  return { sha256, sizeBytes: raw.length, encoding: 'identity', data: raw };
}

/** Which of these hashes are already stored. */
export async function existingBlobs(q: Db, shas: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const unique = [...new Set(shas)];
  for (let i = 0; i < unique.length; i += INSERT_BATCH) {
    const rows = await q.selectFrom('blobs').select('sha256').where('sha256', 'in', unique.slice(i, i + INSERT_BATCH)).execute();
    for (const r of rows) found.add(r.sha256);
  }
  return found;
}

/** Hashes every content, compresses those not yet stored; returns hashes in input order. */
export async function prepareBlobs(q: Db, contents: Uint8Array[]): Promise<{ shas: string[]; blobs: PreparedBlob[] }> {
  const shas = contents.map((c) => sha256Hex(c));
  const have = await existingBlobs(q, shas);
  const todo = new Map<string, Uint8Array>();
  contents.forEach((c, i) => {
    const s = shas[i] as string;
    if (!have.has(s) && !todo.has(s)) todo.set(s, c);
  });
  const blobs = await mapLimit([...todo], COMPRESS_CONCURRENCY, ([s, c]) => prepareBlob(c, s));
  return { shas, blobs };
}

/** Inserts blobs, skipping any already stored (another writer may have raced us). */
export async function insertBlobs(q: Db, blobs: PreparedBlob[]): Promise<void> {
  for (let i = 0; i < blobs.length; i += INSERT_BATCH) {
    const rows = blobs.slice(i, i + INSERT_BATCH).map((b) => ({ sha256: b.sha256, size_bytes: b.sizeBytes, encoding: b.encoding, stored_bytes: b.data.length, data: b.data }));
    await q.insertInto('blobs').values(rows).onConflict((oc) => oc.column('sha256').doNothing()).execute();
  }
}

/** Decodes stored bytes and checks them against their hash. */
export async function decodeBlob(sha256: string, encoding: string, data: Uint8Array): Promise<Buffer> {
  const stored = toBytes(data);
  let out: Buffer;
  if (encoding === 'identity') out = stored;
  else if (encoding === 'br') {
    try {
      out = await unbrotli(stored);
    } catch (e) {
      throw new StoreError('CORRUPT', `blob ${sha256} cannot be decompressed: ${(e as Error).message}`, { sha256 });
    }
  } else throw new StoreError('CORRUPT', `blob ${sha256} has unknown encoding "${encoding}"`, { sha256 });
  if (sha256Hex(out) !== sha256) throw new StoreError('CORRUPT', `blob ${sha256} does not match its hash`, { sha256 });
  return out;
}

/** Reads and decodes blobs by hash (missing ones are absent from the map). */
export async function readBlobs(q: Db, shas: string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const unique = [...new Set(shas)];
  for (let i = 0; i < unique.length; i += INSERT_BATCH) {
    const rows = await q.selectFrom('blobs').select(['sha256', 'encoding', 'data']).where('sha256', 'in', unique.slice(i, i + INSERT_BATCH)).execute();
    for (const r of rows) out.set(r.sha256, await decodeBlob(r.sha256, r.encoding, r.data));
  }
  return out;
}
