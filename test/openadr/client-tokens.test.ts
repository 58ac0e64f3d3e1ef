/**
 * The OpenADR client's tokens against the project's VTN over HTTP on 127.0.0.1: a token the VTN
 * no longer accepts (401) is replaced by a new one fetched with the client credentials, and the
 * call goes through; a short-lived token is renewed before it runs out. Every exchange is checked
 * against the OpenADR 3.1.0 spec.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAdrClient } from '../../src/openadr/ven/client.ts';
import { startVtn, type RunningVtn } from '../../src/openadr/vtn/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { validatingFetch, type ExchangeLog } from '../helpers/validating-fetch.ts';

describe('the OpenADR client\'s tokens', () => {
  let store: Store | undefined;
  let vtn: RunningVtn | undefined;
  afterEach(async () => {
    await vtn?.close();
    await store?.close();
  });

  it('fetches a new token when the VTN answers 401 and repeats the call', async () => {
    // the VTN's clock runs two hours ahead of the client's once the first token is out
    let skewMs = 0;
    const now = () => Date.now() + skewMs;
    store = await openStore(':memory:', { now });
    vtn = await startVtn({ store, port: 0, now });
    const blc = await vtn.vtn.clients.create('bl');
    const log: ExchangeLog = { seen: [], problems: [] };
    const bl = new OpenAdrClient({ url: vtn.url, clientId: blc.id, clientSecret: blc.secret, fetch: validatingFetch([vtn.url], log) });
    await bl.createProgram({ programName: 'flex' });
    const first = await bl.accessToken();
    skewMs = 2 * 3_600_000;
    // by the client's clock the token has an hour left; the VTN finds it expired
    expect(await bl.accessToken()).toBe(first);
    const programs = await bl.programs();
    expect(programs.map((p) => p.programName)).toEqual(['flex']);
    expect(log.seen).toEqual(['POST /auth/token 200', 'POST /programs 201', 'GET /programs 401', 'POST /auth/token 200', 'GET /programs 200']);
    expect(await bl.accessToken()).not.toBe(first);
    expect(log.problems).toEqual([]);
  });

  it('renews a short-lived token before it expires instead of sending it expired', async () => {
    store = await openStore(':memory:');
    vtn = await startVtn({ store, port: 0, auth: { lifetimeS: 2 } });
    const blc = await vtn.vtn.clients.create('bl');
    const log: ExchangeLog = { seen: [], problems: [] };
    const bl = new OpenAdrClient({ url: vtn.url, clientId: blc.id, clientSecret: blc.secret, fetch: validatingFetch([vtn.url], log) });
    await bl.programs();
    await bl.programs();
    // a 2 s token is used while more than a second of its life is left (JWT expiries are whole seconds), then renewed
    expect(log.seen).toEqual(['POST /auth/token 200', 'GET /programs 200', 'GET /programs 200']);
    await new Promise((r) => setTimeout(r, 1700));
    await bl.programs();
    expect(log.seen.slice(3)).toEqual(['POST /auth/token 200', 'GET /programs 200']);
    expect(log.problems).toEqual([]);
  });
});
