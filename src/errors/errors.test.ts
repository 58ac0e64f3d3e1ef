/** The error registry: every code is documented in docs/errors.md, and each class carries its code. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StoreError, STORE_ERROR_STATUS } from '../store/errors.ts';
import { CancelledError, ERROR_CODES, HTTP_ERROR_CODES, HTTP_STATUS, INPUT_ERROR_CODES, InputError, SolverError, STORE_ERROR_CODES, throwIfCancelled, WattshiftError, type ErrorCode, type StoreErrorCode } from './index.ts';

const DOC = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

/** The table rows of docs/errors.md, by code. */
function documented(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of DOC.split('\n')) {
    const m = /^\| `([A-Z_]+)` \|(.*)\|$/.exec(line);
    if (m) rows.set(m[1]!, m[2]!.split('|').map((c) => c.trim()));
  }
  return rows;
}

describe('error registry', () => {
  it('documents every code in docs/errors.md, and nothing that is not a code', () => {
    const rows = documented();
    expect([...rows.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, cells] of rows) {
      const [cls, exit, http] = cells;
      expect(http, `HTTP status of ${code}`).toBe(String(HTTP_STATUS[code as ErrorCode]));
      const input = (INPUT_ERROR_CODES as string[]).includes(code);
      if (code === 'OUTPUT_UNWRITABLE') continue; // raised by the CLI from the file system's error
      if ((STORE_ERROR_CODES as readonly string[]).includes(code)) {
        const status = STORE_ERROR_STATUS[code as StoreErrorCode];
        expect([cls, exit], code).toEqual(['StoreError', status < 500 ? '2' : '1']);
        continue;
      }
      if ((HTTP_ERROR_CODES as readonly string[]).includes(code)) {
        expect(exit, code).toBe('—');
        expect(['HttpError', '(run status)'], code).toContain(cls);
        continue;
      }
      expect(cls, code).toBe(input ? 'InputError' : code === 'CANCELLED' ? 'CancelledError' : 'SolverError');
      expect(exit, code).toBe(input ? '2' : code === 'CANCELLED' ? '130' : '1');
    }
  });

  it('gives every class its code and a common base', () => {
    const cases: WattshiftError[] = [new InputError('PLAN_UNBOUNDED', 'x'), new SolverError('y', 'error', 'highs-wasm'), new CancelledError(), new StoreError('NOT_FOUND', 'z')];
    expect(cases.map((e) => e.code)).toEqual(['PLAN_UNBOUNDED', 'SOLVER_FAILED', 'CANCELLED', 'NOT_FOUND']);
    for (const e of cases) expect(e).toBeInstanceOf(WattshiftError);
    expect(INPUT_ERROR_CODES).not.toContain('SOLVER_FAILED');
    expect(INPUT_ERROR_CODES).not.toContain('CANCELLED');
    for (const c of [...STORE_ERROR_CODES, ...HTTP_ERROR_CODES]) expect(INPUT_ERROR_CODES).not.toContain(c);
  });

  it('answers input errors with a 4xx status and the server\'s own faults with a 5xx', () => {
    // an output folder the CLI's user named is their input; a server has no such folder, so it is the server's fault
    for (const c of INPUT_ERROR_CODES.filter((x) => x !== 'OUTPUT_UNWRITABLE')) expect([HTTP_STATUS[c] >= 400, HTTP_STATUS[c] < 500], c).toEqual([true, true]);
    for (const c of STORE_ERROR_CODES) expect(new StoreError(c, 'x').httpStatus).toBe(HTTP_STATUS[c]);
    for (const c of ['SOLVER_FAILED', 'INTERNAL', 'CORRUPT'] as const) expect(HTTP_STATUS[c]).toBe(500);
  });

  it('throwIfCancelled throws only once the signal has fired', () => {
    const c = new AbortController();
    expect(() => throwIfCancelled(c.signal, 'here')).not.toThrow();
    expect(() => throwIfCancelled(undefined)).not.toThrow();
    c.abort();
    expect(() => throwIfCancelled(c.signal, 'between windows')).toThrow(/cancelled between windows/);
  });
});
