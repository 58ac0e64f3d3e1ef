/**
 * Errors the HTTP server raises itself (a missing token, a forbidden route, a full queue, a bad
 * upload): a code from the one registry (src/errors) and the status it is answered with.
 */
import { HTTP_STATUS, WattshiftError, type ErrorCode } from '../errors/index.ts';

/** Extra members of the problem document. */
export interface ProblemExtras {
  /** Where in the request or the input, as for input errors. */
  location?: { file?: string; line?: number; column?: number; path?: string };
  /** Every problem found (the first is the message). */
  errors?: Array<{ message: string; path?: string }>;
  /** Seconds to wait (sent as Retry-After). */
  retryAfterSeconds?: number;
  /** Sent as WWW-Authenticate (401 answers). */
  wwwAuthenticate?: string;
}

/** An error answered with a problem document: a registered code, its status, a message. */
export class HttpError extends WattshiftError {
  override readonly name = 'HttpError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly extras: ProblemExtras;

  constructor(code: ErrorCode, message: string, extras: ProblemExtras = {}, status: number = HTTP_STATUS[code]) {
    super(message);
    this.code = code;
    this.status = status;
    this.extras = extras;
  }
}
