/**
 * Errors the store raises on purpose. Each has a stable `code` and the HTTP status an API
 * should answer with, so the server maps them to problem details without guessing.
 */

/** Codes of store errors and what each means. */
export const STORE_ERROR_CODES = {
  NOT_FOUND: 'the run, scenario, result or token does not exist',
  CONFLICT: 'the change is not allowed in the current state (e.g. a finished run cannot start again)',
  BUNDLE_INVALID: 'a scenario bundle has a bad path, a duplicate file or no scenario file',
  QUERY_INVALID: 'a read names an unknown site, column or status, or has a bad range, page size or cursor',
  SCHEMA_TOO_NEW: 'the database was migrated by a newer wattshift than this one',
  SCHEMA_MISMATCH: 'the database records a migration this wattshift does not know under that number',
  URL_INVALID: 'the database location is neither a SQLite file path nor a postgres:// URL',
  UNAVAILABLE: 'the database server cannot be reached, or refuses the login or the database name',
  CORRUPT: 'stored bytes do not match their recorded hash or encoding',
} as const;

/** A store error code. */
export type StoreErrorCode = keyof typeof STORE_ERROR_CODES;

/** HTTP status for each code (the server returns RFC 9457 problem details with it). */
export const STORE_ERROR_STATUS: Record<StoreErrorCode, number> = {
  NOT_FOUND: 404,
  CONFLICT: 409,
  BUNDLE_INVALID: 400,
  QUERY_INVALID: 400,
  SCHEMA_TOO_NEW: 500,
  SCHEMA_MISMATCH: 500,
  URL_INVALID: 400,
  UNAVAILABLE: 503,
  CORRUPT: 500,
};

/** An error from the store with a stable code. */
export class StoreError extends Error {
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
