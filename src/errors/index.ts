/**
 * One registry of the errors wattshift raises on purpose. Each has a stable `code` (documented
 * in docs/errors.md). Input errors carry where the problem is (file, line, column, JSON path or
 * option) and end the CLI with exit code 2; a solver failure is internal (exit code 1); a
 * cancelled run is neither. Anything else is an internal error (exit code 1).
 */

/** Where in the user's input a problem was found. */
export interface InputLocation {
  file?: string;
  line?: number;
  column?: number;
  /** JSON path such as `sites[0].grid.importLimitMW`, or an option such as `--policy`. */
  path?: string;
}

/** Every error code, with what it means. Codes are never renamed or reused. */
export const ERROR_CODES = {
  SCENARIO_SYNTAX: 'the scenario file is not valid YAML or JSON',
  SCENARIO_INVALID: 'the scenario does not match the schema',
  SCENARIO_REFERENCE: 'the scenario names something that does not exist',
  FILE_NOT_FOUND: 'a file named by the input does not exist or cannot be read',
  SERIES_INVALID: 'a time series file cannot be read or aligned',
  TIME_INVALID: 'a time, time zone or time range is not valid',
  OPTION_INVALID: 'a command-line option is not valid',
  PLAN_INFEASIBLE: 'no schedule satisfies every constraint',
  PLAN_UNBOUNDED: 'the plan has no finite optimum: the input leaves some decision without a limit or a cost',
  SOLVER_TIME_LIMIT: 'the solver reached the time limit before it found a usable plan',
  SOLVER_LIMIT: 'the model is too large for the solver',
  PROBLEM_TOO_LARGE: 'the run is larger than the stated size limits',
  SOLVER_FAILED: 'the solver failed for a reason other than the input (numerical trouble, a crashed backend)',
  EVENT_INVALID: 'a grid event or program definition is not valid',
  OUTPUT_UNWRITABLE: 'an output folder or file cannot be written',
  CANCELLED: 'the run was cancelled by its caller',
  NOT_FOUND: 'a stored run, scenario, ledger or token does not exist',
  CONFLICT: 'the change is not allowed in the current state (a finished run cannot start again)',
  BUNDLE_INVALID: 'a scenario bundle or result has a bad path, a duplicate file or no scenario file',
  QUERY_INVALID: 'a read of stored data names an unknown site, column or status, or has a bad range, page size or cursor',
  URL_INVALID: 'the database location is not a SQLite file path or postgres:// URL, or cannot be opened',
  UNAVAILABLE: 'the database server cannot be reached, or refuses the login or the database name',
  SCHEMA_TOO_NEW: 'the database was migrated by a newer wattshift than this one',
  SCHEMA_MISMATCH: 'the database records a migration this wattshift knows under another name',
  CORRUPT: 'stored bytes do not match their recorded hash or encoding',
  REQUEST_INVALID: 'an HTTP request does not match the API: its path, query, headers or body',
  UNAUTHORIZED: 'an API request has no token, or one that is malformed, unknown, revoked or expired',
  FORBIDDEN: "the API token's role does not allow this request",
  RATE_LIMITED: 'too many API requests in a short time',
  BODY_TOO_LARGE: 'an API request body is larger than the server accepts',
  UNSUPPORTED_MEDIA_TYPE: 'an API request body has a content type the route does not take',
  QUEUE_FULL: 'the server runs and queues as many runs as it may; it takes no more for now',
  RUN_INTERRUPTED: 'the process executing the run stopped before the run finished',
  INTERNAL: 'an internal error (a bug, or a worker that died); the server logged it',
} as const;

/** A code of {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes the store raises (`StoreError` in src/store/errors.ts, with an HTTP status each). */
export const STORE_ERROR_CODES = ['NOT_FOUND', 'CONFLICT', 'BUNDLE_INVALID', 'QUERY_INVALID', 'URL_INVALID', 'UNAVAILABLE', 'SCHEMA_TOO_NEW', 'SCHEMA_MISMATCH', 'CORRUPT'] as const;

/** A code of {@link STORE_ERROR_CODES}. */
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

/** Codes the HTTP server answers with (`HttpError`, src/server) or records on runs. */
export const HTTP_ERROR_CODES = ['REQUEST_INVALID', 'UNAUTHORIZED', 'FORBIDDEN', 'RATE_LIMITED', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'QUEUE_FULL', 'RUN_INTERRUPTED', 'INTERNAL'] as const;

/** A code of {@link HTTP_ERROR_CODES}. */
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];

/** Codes that are not an input error: a failed solver, a cancelled run, the store's and the server's own. */
export type NonInputErrorCode = 'SOLVER_FAILED' | 'CANCELLED' | StoreErrorCode | HttpErrorCode;

/** Codes an {@link InputError} can carry. */
export type InputErrorCode = Exclude<ErrorCode, NonInputErrorCode>;

/** Codes of input errors, in registry order. */
export const INPUT_ERROR_CODES = (Object.keys(ERROR_CODES) as ErrorCode[]).filter(
  (c): c is InputErrorCode => c !== 'SOLVER_FAILED' && c !== 'CANCELLED' && !(STORE_ERROR_CODES as readonly string[]).includes(c) && !(HTTP_ERROR_CODES as readonly string[]).includes(c),
);

/**
 * The HTTP status the API answers each code with (RFC 9457 problem details): 400 for requests
 * that cannot be read, 422 for input that reads but is not valid, 5xx for the server's faults.
 */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  SCENARIO_SYNTAX: 400,
  SCENARIO_INVALID: 422,
  SCENARIO_REFERENCE: 422,
  FILE_NOT_FOUND: 422,
  SERIES_INVALID: 422,
  TIME_INVALID: 422,
  OPTION_INVALID: 400,
  PLAN_INFEASIBLE: 422,
  PLAN_UNBOUNDED: 422,
  SOLVER_TIME_LIMIT: 422,
  SOLVER_LIMIT: 422,
  PROBLEM_TOO_LARGE: 422,
  SOLVER_FAILED: 500,
  EVENT_INVALID: 422,
  OUTPUT_UNWRITABLE: 500,
  CANCELLED: 409,
  NOT_FOUND: 404,
  CONFLICT: 409,
  BUNDLE_INVALID: 400,
  QUERY_INVALID: 400,
  URL_INVALID: 400,
  UNAVAILABLE: 503,
  SCHEMA_TOO_NEW: 500,
  SCHEMA_MISMATCH: 500,
  CORRUPT: 500,
  REQUEST_INVALID: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  QUEUE_FULL: 503,
  RUN_INTERRUPTED: 500,
  INTERNAL: 500,
};

/** Base of every error wattshift raises on purpose: a stable code from {@link ERROR_CODES}. */
export abstract class WattshiftError extends Error {
  abstract readonly code: ErrorCode;

  /** The message with what is known about where or why. */
  format(): string {
    return this.message;
  }
}

/** An error the user can fix by changing their input. The CLI exits with code 2. */
export class InputError extends WattshiftError {
  override readonly name = 'InputError';
  readonly code: InputErrorCode;
  readonly location: InputLocation;
  /** Further problems found in the same pass (all are reported, not only the first). */
  readonly details: string[];

  constructor(code: InputErrorCode, message: string, location: InputLocation = {}, details: string[] = []) {
    super(message);
    this.code = code;
    this.location = location;
    this.details = details;
  }

  /** `file:line:column: path: message` with the parts that are known. */
  override format(): string {
    const where = formatLocation(this.location);
    const head = where ? `${where}: ${this.message}` : this.message;
    return [head, ...this.details.map((d) => `  - ${d}`)].join('\n');
  }
}

/**
 * A solver that failed for a reason the input does not explain (numerical trouble, a crashed
 * or missing backend mid-run). Internal: the CLI exits with code 1.
 */
export class SolverError extends WattshiftError {
  override readonly name = 'SolverError';
  readonly code = 'SOLVER_FAILED' as const;
  /** The solver's status ('error', …) and backend, as reported. */
  readonly status: string;
  readonly solver: string | undefined;

  constructor(message: string, status: string, solver?: string) {
    super(message);
    this.status = status;
    this.solver = solver;
  }
}

/** A run stopped because its caller aborted it (an AbortSignal fired). */
export class CancelledError extends WattshiftError {
  override readonly name = 'CancelledError';
  readonly code = 'CANCELLED' as const;

  constructor(message = 'the run was cancelled') {
    super(message);
  }
}

/** Throws a {@link CancelledError} when `signal` has been aborted; `where` says what was stopped. */
export function throwIfCancelled(signal: AbortSignal | undefined, where?: string): void {
  if (signal?.aborted) throw new CancelledError(where ? `the run was cancelled ${where}` : undefined);
}

/** Formats a location as `file:line:column (at path)`. */
export function formatLocation(loc: InputLocation): string {
  let s = loc.file ?? '';
  if (loc.file && loc.line !== undefined) s += `:${loc.line}`;
  if (loc.file && loc.line !== undefined && loc.column !== undefined) s += `:${loc.column}`;
  if (loc.path) s += s ? ` (at ${loc.path})` : `at ${loc.path}`;
  return s;
}

/** True for errors that mean "bad input" (exit code 2). */
export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}

/** Where a non-finite number was found: the stage, and what is known of site, step and quantity. */
export interface NonFiniteOrigin {
  /** Pipeline stage that produced or met the value: simulate, bill, summary, ledger… */
  stage: string;
  quantity: string;
  site?: string;
  /** Step index on the horizon grid. */
  step?: number;
  /** The step's start as ISO text, when known. */
  time?: string;
  value: number;
}

/**
 * An internal fault: a number computed by a stage is NaN or infinite. Inputs are bounded by the
 * schema, so this is a bug to report; it is never written out as 0 or an empty cell. Exit code 1.
 */
export class NonFiniteError extends Error {
  override readonly name = 'NonFiniteError';
  readonly origin: NonFiniteOrigin;
  constructor(origin: NonFiniteOrigin) {
    const where = [origin.site !== undefined ? `site ${origin.site}` : '', origin.step !== undefined ? `step ${origin.step}${origin.time ? ` (${origin.time})` : ''}` : '']
      .filter(Boolean)
      .join(', ');
    super(`${origin.stage}: ${origin.quantity} is ${origin.value}${where ? ` at ${where}` : ''}`);
    this.origin = origin;
  }
}
