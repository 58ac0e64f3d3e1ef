/**
 * Encoding of one ledger column chunk (Float64 values) as bytes. A 5-byte header (tag, value
 * count as uint32 little-endian) then:
 * - tag 2, constant: one Float64 (8 bytes), repeated `count` times (about a third of a real
 *   fleet ledger's columns never change: no storage, no renewables, zero shortfall);
 * - tag 1, deflate: raw DEFLATE (level 1) of the little-endian Float64 bytes;
 * - tag 0, raw: the little-endian Float64 bytes, when DEFLATE saves less than 10 %.
 * Decoding is bit-exact: every value, including NaN with its payload, -0 and ±Infinity, comes
 * back with the same 64 bits (values are compared as bits, never as numbers). Level 1 was
 * chosen by measurement (docs/benchmarks.md): level 6 is 12 % smaller and twice as slow;
 * byte-shuffling and Brotli did not pay on these columns.
 */
import { endianness } from 'node:os';
import { promisify } from 'node:util';
import { deflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import { StoreError } from './errors.ts';

const deflate = promisify(deflateRaw);

if (endianness() !== 'LE') throw new Error('the ledger codec stores little-endian Float64 values; this platform is big-endian');

/** Tags of the encodings. */
export const COLUMN_ENCODING = { raw: 0, deflate: 1, constant: 2 } as const;
const HEADER_BYTES = 5;
/** DEFLATE level for ledger columns. */
export const LEDGER_DEFLATE_LEVEL = 1;
const KEEP_RATIO = 0.9;

function header(tag: number, count: number, bodyBytes: number): Buffer {
  const b = Buffer.allocUnsafe(HEADER_BYTES + bodyBytes);
  b[0] = tag;
  b.writeUInt32LE(count, 1);
  return b;
}

/** The values' bytes (a view, no copy). */
function bytesOf(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** True when every value has the same 64 bits. */
function isConstant(values: Float64Array): boolean {
  if (values.length < 2) return values.length === 1;
  const w = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  const lo = w[0], hi = w[1];
  for (let i = 2; i < w.length; i += 2) if (w[i] !== lo || w[i + 1] !== hi) return false;
  return true;
}

function encodeConstantOrRaw(values: Float64Array): Buffer | undefined {
  if (isConstant(values)) {
    const b = header(COLUMN_ENCODING.constant, values.length, 8);
    bytesOf(values.subarray(0, 1)).copy(b, HEADER_BYTES);
    return b;
  }
  if (values.length === 0) return header(COLUMN_ENCODING.raw, 0, 0);
  return undefined;
}

function withBody(values: Float64Array, packed: Buffer): Buffer {
  const raw = bytesOf(values);
  if (packed.length > raw.length * KEEP_RATIO) {
    const b = header(COLUMN_ENCODING.raw, values.length, raw.length);
    raw.copy(b, HEADER_BYTES);
    return b;
  }
  const b = header(COLUMN_ENCODING.deflate, values.length, packed.length);
  packed.copy(b, HEADER_BYTES);
  return b;
}

/** Encodes values, compressing in libuv's thread pool (off the event loop). */
export async function encodeColumn(values: Float64Array): Promise<Buffer> {
  return encodeConstantOrRaw(values) ?? withBody(values, await deflate(bytesOf(values), { level: LEDGER_DEFLATE_LEVEL }));
}

/** Same as encodeColumn, on the calling thread. */
export function encodeColumnSync(values: Float64Array): Buffer {
  return encodeConstantOrRaw(values) ?? withBody(values, deflateRawSync(bytesOf(values), { level: LEDGER_DEFLATE_LEVEL }));
}

/** Decodes bytes written by encodeColumn. Throws CORRUPT on anything else. */
export function decodeColumn(bytes: Uint8Array): Float64Array {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < HEADER_BYTES) throw new StoreError('CORRUPT', `ledger chunk of ${b.length} bytes is shorter than its header`);
  const tag = b[0];
  const count = b.readUInt32LE(1);
  const out = new Float64Array(count);
  const outBytes = bytesOf(out);
  const body = b.subarray(HEADER_BYTES);
  if (tag === COLUMN_ENCODING.constant) {
    if (body.length !== 8) throw new StoreError('CORRUPT', `constant ledger chunk has ${body.length} value bytes, not 8`);
    for (let i = 0; i < count; i++) body.copy(outBytes, i * 8);
  } else if (tag === COLUMN_ENCODING.raw || tag === COLUMN_ENCODING.deflate) {
    let data = body;
    if (tag === COLUMN_ENCODING.deflate) {
      try {
        data = inflateRawSync(body);
      } catch (e) {
        throw new StoreError('CORRUPT', `ledger chunk cannot be inflated: ${(e as Error).message}`);
      }
    }
    if (data.length !== count * 8) throw new StoreError('CORRUPT', `ledger chunk holds ${data.length} bytes for ${count} values`);
    data.copy(outBytes);
  } else throw new StoreError('CORRUPT', `ledger chunk has unknown encoding tag ${tag}`);
  return out;
}
