/**
 * Errors the store raises on purpose. Each has a stable `code` from the one registry
 * (src/errors, documented in docs/errors.md) and the HTTP status an API should answer with, so
 * the server maps them to problem details without guessing.
 */
import { HTTP_STATUS, STORE_ERROR_CODES, WattshiftError, type StoreErrorCode } from '../errors/index.ts';

/** A store error code (registered with every other code in src/errors). */
export type { StoreErrorCode };

/** HTTP status for each code (the server returns RFC 9457 problem details with it). */
export const STORE_ERROR_STATUS = Object.fromEntries(STORE_ERROR_CODES.map((c) => [c, HTTP_STATUS[c]])) as Record<StoreErrorCode, number>;

/** An error from the store with a stable code. The CLI exits with 2 for a 4xx status, else 1. */
export class StoreError extends WattshiftError {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  /** Suggested HTTP status for an API answer. */
  readonly httpStatus: number;
  /** Further facts (e.g. the run's current status for a CONFLICT). */
  readonly details: Record<string, unknown>;

  constructor(code: StoreErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.httpStatus = STORE_ERROR_STATUS[code];
    this.details = details;
  }
}

/** True for a StoreError with the given code (any code when omitted). */
export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}
