/**
 * Connections to the queue's Redis server: the options ioredis gets, and a first contact that
 * fails with a clear message instead of retrying for ever when nothing answers.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { InputError } from '../errors/index.ts';
import type { RedisLocation } from './redis-url.ts';

/** The queue every wattshift worker listens on unless told otherwise. */
export const DEFAULT_QUEUE = 'wattshift';

/** How long the first contact with Redis may take, ms. */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * ioredis options. `maxRetriesPerRequest: null`: a command waits through a Redis restart
 * rather than failing (BullMQ requires it for workers; the submitter wants it too).
 */
export function redisOptions(loc: RedisLocation): RedisOptions {
  return {
    host: loc.host,
    port: loc.port,
    db: loc.db,
    ...(loc.username ? { username: loc.username } : {}),
    ...(loc.password ? { password: loc.password } : {}),
    ...(loc.tls ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    // reconnect quickly after a restart: 50 ms, 100 ms, … at most 1 s apart
    retryStrategy: (times: number) => Math.min(times * 50, 1_000),
  };
}

/** Waits for `ready` (a BullMQ client's waitUntilReady) or fails with where Redis was looked for. */
export async function reachRedis(ready: Promise<unknown>, loc: RedisLocation, option = '--queue', timeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new InputError(
            'OPTION_INVALID',
            `no Redis server answered at ${loc.display} within ${timeoutMs / 1000} s; start one (e.g. redis-server --port ${loc.port}) or correct ${option}`,
            { path: option },
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Connects once and pings: fails within `timeoutMs` with where Redis was looked for. */
export async function probeRedis(loc: RedisLocation, option = '--queue', timeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
  const probe = new Redis({ ...redisOptions(loc), lazyConnect: true });
  let refused: Error | undefined;
  probe.on('error', (e: Error) => (refused = e));
  try {
    await reachRedis(probe.connect().then(() => probe.ping()), loc, option, timeoutMs);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const why = (refused ?? (e as Error)).message;
    throw new InputError('OPTION_INVALID', `no Redis server answered at ${loc.display} (${why}); start one (e.g. redis-server --port ${loc.port}) or correct ${option}`, { path: option });
  } finally {
    probe.disconnect();
  }
}
