/**
 * Errors as the problem a failed run records (and the API returns): code, message, where in the
 * input, further problems. Paths of a server's temporary folders never reach a user.
 */
import { InputError, SolverError, WattshiftError } from '../errors/index.ts';
import { InputFileError } from '../files/input-file.ts';
import type { RunError } from '../store/index.ts';

/** Code of an error no input explains (the message says the server logged it). */
export const INTERNAL_CODE = 'INTERNAL';

/** Replaces a private folder in text: `dir/x` → `x`, `dir` alone → `.`. */
export function hidePath(text: string, dir: string | undefined): string {
  if (!dir) return text;
  return text.split(`${dir}/`).join('').split(dir).join('.');
}

/**
 * The problem recorded for an error: input, solver and store errors with their code, message,
 * location and details; anything else as INTERNAL without its message (it may hold paths or
 * data; the server logs it). `dir` is a temporary folder to keep out of messages.
 */
export function runErrorOf(e: unknown, dir?: string): RunError {
  const hide = (s: string): string => hidePath(s, dir);
  if (e instanceof InputError) {
    const loc = Object.fromEntries(Object.entries(e.location).filter(([, v]) => v !== undefined).map(([k, v]) => [k, typeof v === 'string' ? hide(v) : v]));
    const out: RunError = { code: e.code, message: hide(e.message) };
    if (Object.keys(loc).length > 0) out.location = loc;
    if (e.details.length > 0) out.details = e.details.map(hide);
    return out;
  }
  if (e instanceof SolverError) return { code: e.code, message: hide(e.message) };
  if (e instanceof WattshiftError) return { code: e.code, message: hide(e.message) };
  if (e instanceof InputFileError) return { code: e.notFound ? 'FILE_NOT_FOUND' : 'SERIES_INVALID', message: hide(e.message) };
  return { code: INTERNAL_CODE, message: 'internal error; the server logged it (report it with the scenario and options)' };
}
