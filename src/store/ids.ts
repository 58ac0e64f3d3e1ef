/** Identifiers: ULIDs (time-ordered, 26 Crockford base-32 characters) from one monotonic source. */
import { isValid, monotonicFactory } from 'ulid';

const next = monotonicFactory();

/** A new ULID stamped with `nowMs`; ids made later in this process sort after earlier ones. */
export function newId(nowMs: number): string {
  return next(nowMs);
}

/** True for a well-formed ULID. */
export function isId(s: string): boolean {
  return isValid(s);
}
