/** The spec validator the VTN tests rely on finds what it must find. */
import { describe, expect, it } from 'vitest';
import { allowedStatuses, checkExchange } from './openadr-validator.ts';

const meta = { id: 'v1', createdDateTime: '2026-01-01T00:00:00Z', modificationDateTime: '2026-01-01T00:00:00Z' };
const auth = { authorization: 'Bearer x' };

describe('spec validator', () => {
  it('accepts a conforming exchange', async () => {
    const r = await checkExchange({ method: 'GET', url: '/vens/v1', headers: auth }, { status: 200, contentType: 'application/json', body: { ...meta, objectType: 'VEN', venName: 'a', clientID: 'c' } });
    expect(r).toEqual({ operationId: 'searchVenByID', requestErrors: [], responseErrors: [] });
  });
  it('finds bad responses: a wrong objectType, missing metadata, a status the spec does not list, a bad problem', async () => {
    const bad = await checkExchange({ method: 'GET', url: '/vens/v1', headers: auth }, { status: 200, contentType: 'application/json', body: { ...meta, objectType: 'BL_VEN_REQUEST', venName: 'a', clientID: 'c' } });
    expect(bad.responseErrors.join()).toMatch(/objectType/);
    const noMeta = await checkExchange({ method: 'POST', url: '/programs', headers: { ...auth, 'content-type': 'application/json' }, body: { programName: 'p' } }, { status: 201, contentType: 'application/json', body: { programName: 'p' } });
    expect(noMeta.responseErrors.join()).toMatch(/must have required property '(id|createdDateTime)'/);
    const status = await checkExchange({ method: 'DELETE', url: '/programs/p1', headers: auth }, { status: 409, contentType: 'application/json', body: { status: 409, title: 'Conflict', detail: 'x' } });
    expect(status.responseErrors.join()).toMatch(/status 409 is not listed for deleteProgram/);
    const problem = await checkExchange({ method: 'GET', url: '/programs', headers: auth }, { status: 403, contentType: 'application/json', body: { status: 'forbidden' } });
    expect(problem.responseErrors.join()).toMatch(/status/);
    expect(allowedStatuses('createVen').has(409)).toBe(true);
  });
  it('finds bad requests: a missing required field, a limit above 50, an unknown path', async () => {
    expect((await checkExchange({ method: 'POST', url: '/events', headers: { ...auth, 'content-type': 'application/json' }, body: { eventName: 'x' } }, { status: 400, contentType: 'application/json', body: { status: 400 } })).requestErrors.join()).toMatch(/programID/);
    expect((await checkExchange({ method: 'GET', url: '/programs?limit=51', headers: auth }, { status: 200, contentType: 'application/json', body: [] })).requestErrors.join()).toMatch(/<= 50/);
    expect((await checkExchange({ method: 'GET', url: '/nowhere', headers: auth }, { status: 404, contentType: 'application/json', body: {} })).requestErrors.join()).toMatch(/no operation/);
  });
});
