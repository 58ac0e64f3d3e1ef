/**
 * What the durability writer stores for a run, computed from the run id alone, so the checker
 * can recompute every byte after the writer was killed.
 */
import { createHash } from 'node:crypto';
import type { Ledger } from '../../src/simulate/ledger.ts';
import type { ResultInput } from '../../src/store/index.ts';
import { makeLedger } from '../helpers/ledger-fixture.ts';

/** Deterministic pseudo-random bytes (SHA-256 in counter mode). */
function bytes(seed: string, n: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0, got = 0; got < n; i++, got += 32) parts.push(createHash('sha256').update(`${seed}/${i}`).digest());
  return Buffer.concat(parts).subarray(0, n);
}

/** The results a run stores: a summary, a compressible report and incompressible bytes. */
export function expectedResults(runId: string): Array<ResultInput & { content: string | Buffer }> {
  const hex = createHash('sha256').update(runId).digest('hex');
  return [
    { name: 'summary.json', mediaType: 'application/json', content: `${JSON.stringify({ runId, hex })}\n` },
    { name: 'report.html', mediaType: 'text/html', content: `<html><body>${`<p>${hex}</p>`.repeat(4000)}</body></html>` },
    { name: 'data/blob.bin', mediaType: 'application/octet-stream', content: bytes(runId, 200_000) },
  ];
}

/** The ledger a run stores. */
export function expectedLedger(runId: string): Ledger {
  return makeLedger({ sites: 3, steps: 2000, seed: createHash('sha256').update(runId).digest().readUInt32LE(0) });
}
