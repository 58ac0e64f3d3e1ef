/** Identifiers: ULIDs (time-ordered, 26 Crockford base-32 characters) from one monotonic source. */
import { randomFillSync } from 'node:crypto';
import { isValid, monotonicFactory } from 'ulid';

/**
 * Random bytes for ULIDs, drawn from the system's CSPRNG 4 KiB at a time: the library's default
 * asks it for one byte per character (sixteen calls per id), which showed in a VTN's profile
 * under a burst of writes.
 */
const pool = new Uint8Array(4096);
let used = pool.length;
function prng(): number {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool[used++]! / 256;
}

const next = monotonicFactory(prng);

/** A new ULID stamped with `nowMs`; ids made later in this process sort after earlier ones. */
export function newId(nowMs: number): string {
  return next(nowMs);
}

/** True for a well-formed ULID. */
export function isId(s: string): boolean {
  return isValid(s);
}
