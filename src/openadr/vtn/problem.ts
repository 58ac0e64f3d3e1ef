/**
 * Errors the VTN answers with, as problem details (RFC 9457; the spec's `problem` schema):
 * `{ type, title, status, detail }` plus, for bad input, `errors` (each with a JSON path).
 * Responses use the media type the spec declares for them, `application/json`.
 */

/** Titles of the statuses the VTN answers with. */
const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** One problem with a request document. */
export interface FieldIssue {
  /** JSON path, e.g. `intervals[2].intervalPeriod.duration` ('' for the whole document). */
  path: string;
  message: string;
}

/** A problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldIssue[];
  [extra: string]: unknown;
}

/** An error the VTN answers with the given status and detail. */
export class VtnError extends Error {
  override readonly name = 'VtnError';
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The problem document. */
  toProblem(): Problem {
    return problem(this.status, this.message, this.extra);
  }
}

/** A problem document for `status`. */
export function problem(status: number, detail: string, extra: Record<string, unknown> = {}): Problem {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, ...extra };
}

/** 400 with the list of problems found. */
export function badRequest(detail: string, errors: FieldIssue[] = []): VtnError {
  return new VtnError(400, detail, errors.length ? { errors } : {});
}

/** 404 for an object that does not exist or that the caller may not see. */
export function notFound(kind: string, id: string): VtnError {
  return new VtnError(404, `${kind} ${id} does not exist (or is not visible to this client)`);
}

/** 409. */
export function conflict(detail: string): VtnError {
  return new VtnError(409, detail);
}
