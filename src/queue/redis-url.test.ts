import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.ts';
import { parseRedisUrl } from './redis-url.ts';

describe('parseRedisUrl', () => {
  it('reads host, port, database, credentials and TLS, and hides the password when shown', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6390')).toMatchObject({ host: '127.0.0.1', port: 6390, db: 0, tls: false, display: 'redis://127.0.0.1:6390' });
    expect(parseRedisUrl('redis://queue.example')).toMatchObject({ host: 'queue.example', port: 6379, db: 0 });
    const secret = parseRedisUrl('rediss://worker:s%40cret@[::1]:7000/3');
    expect(secret).toMatchObject({ host: '::1', port: 7000, db: 3, tls: true, username: 'worker', password: 's@cret' });
    expect(secret.display).toBe('rediss://worker:***@[::1]:7000/3');
  });

  it('refuses what is not a Redis URL, naming the option and an example', () => {
    for (const [text, why] of [
      ['127.0.0.1:6379', /scheme "127.0.0.1"|is not a URL/],
      ['http://h:1', /scheme "http"/],
      ['redis://h:0', /port outside/],
      ['redis://h/x', /database "x"/],
      ['redis://h/16', /database "16"/],
      ['redis://h?x=1', /query/],
      ['not a url', /is not a URL/],
    ] as const) {
      let err: unknown;
      try {
        parseRedisUrl(text);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(InputError);
      expect((err as InputError).location.path).toBe('--queue');
      expect((err as Error).message).toMatch(why);
      expect((err as Error).message).toMatch(/redis:\/\/127\.0\.0\.1:6379/);
    }
  });
});
