import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStoreError } from './errors.ts';
import { COLUMN_ENCODING, decodeColumn, encodeColumn, encodeColumnSync } from './ledger-codec.ts';

/** Float64 values from arbitrary 64-bit patterns: every NaN payload, -0, subnormals, ±Infinity. */
const anyBits = fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { maxLength: 300 }).map((xs) => new Float64Array(BigUint64Array.from(xs).buffer));
/** Values that repeat and vary a little, as ledger columns do. */
const ledgerLike = fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e5, noNaN: true }), fc.constantFrom(1200.5, 800)), { maxLength: 300 }).map((xs) => Float64Array.from(xs));

const bits = (a: Float64Array): bigint[] => [...new BigUint64Array(a.buffer, a.byteOffset, a.length)];

function corruptCode(bytes: Uint8Array): string {
  try {
    decodeColumn(bytes);
  } catch (e) {
    if (isStoreError(e)) return e.code;
    throw e;
  }
  return 'decoded';
}

describe('ledger column codec', () => {
  it('round-trips every 64-bit pattern exactly (sync and in the thread pool)', async () => {
    fc.assert(fc.property(fc.oneof(anyBits, ledgerLike), (values) => {
      expect(bits(decodeColumn(encodeColumnSync(values)))).toEqual(bits(values));
    }), { numRuns: 300 });
    await fc.assert(fc.asyncProperty(fc.oneof(anyBits, ledgerLike), async (values) => {
      expect(bits(decodeColumn(await encodeColumn(values)))).toEqual(bits(values));
    }), { numRuns: 100 });
  });

  it('keeps a constant column as one value, NaN payload included', () => {
    const nan = new Float64Array(BigUint64Array.from([0x7ff4_0000_0000_0001n]).buffer)[0]!;
    const b = encodeColumnSync(new Float64Array(8760).fill(nan));
    expect(b.length).toBe(13); // tag, uint32 count, one Float64
    expect([b[0], b.readUInt32LE(1)]).toEqual([COLUMN_ENCODING.constant, 8760]);
    expect(bits(decodeColumn(b))).toEqual(new Array(8760).fill(0x7ff4_0000_0000_0001n));
    // -0 and +0 differ in their bits, so the column is not constant
    expect(encodeColumnSync(Float64Array.from([0, -0]))[0]).not.toBe(COLUMN_ENCODING.constant);
  });

  it('deflates a compressible column and stores random bits as they are', () => {
    const smooth = Float64Array.from({ length: 1000 }, (_, i) => Math.round(Math.sin(i / 24) * 100));
    const packed = encodeColumnSync(smooth);
    expect(packed[0]).toBe(COLUMN_ENCODING.deflate);
    expect(packed.length).toBeLessThan(8000 / 4);
    const noise = new Float64Array(BigUint64Array.from({ length: 500 }, (_, i) => BigInt.asUintN(64, BigInt(i + 1) * 0x9e37_79b9_7f4a_7c15n)).buffer);
    const raw = encodeColumnSync(noise);
    expect([raw[0], raw.length]).toEqual([COLUMN_ENCODING.raw, 5 + 8 * 500]);
    expect(decodeColumn(encodeColumnSync(new Float64Array(0)))).toEqual(new Float64Array(0));
  });

  it('refuses bytes it did not write', () => {
    const good = encodeColumnSync(Float64Array.from({ length: 100 }, (_, i) => i % 7));
    expect(corruptCode(good.subarray(0, 3))).toBe('CORRUPT'); // shorter than the header
    expect(corruptCode(Buffer.concat([Buffer.from([9]), good.subarray(1)]))).toBe('CORRUPT'); // unknown tag
    const wrongCount = Buffer.from(good);
    wrongCount.writeUInt32LE(101, 1);
    expect(corruptCode(wrongCount)).toBe('CORRUPT');
    expect(corruptCode(Buffer.concat([good.subarray(0, 5), Buffer.from('not deflate data')]))).toBe('CORRUPT');
    expect(corruptCode(Buffer.from([COLUMN_ENCODING.constant, 2, 0, 0, 0, 1, 2, 3]))).toBe('CORRUPT');
  });
});
