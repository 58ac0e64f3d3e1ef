/**
 * The `--queue` option: where the work queue's Redis server is. `redis://[[user]:password@]HOST[:PORT][/DB]`
 * (TLS: `rediss://`); the port defaults to 6379 and the database number to 0.
 */
import { InputError } from '../errors/index.ts';

/** A checked Redis location: what ioredis needs, and the URL to show (password hidden). */
export interface RedisLocation {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** The URL with any password replaced by `***`. */
  display: string;
}

/** Parses `--queue` (bad input names the option and what would be valid). */
export function parseRedisUrl(text: string, option = '--queue'): RedisLocation {
  const bad = (why: string): never => {
    throw new InputError('OPTION_INVALID', `${option} must be a Redis URL such as redis://127.0.0.1:6379 (or rediss:// for TLS); "${text}" ${why}`, { path: option });
  };
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return bad('is not a URL');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') bad(`has the scheme "${u.protocol.replace(/:$/, '')}"`);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) bad('has no host');
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) bad('has a port outside 1–65535');
  const path = u.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!/^\d*$/.test(path) || !Number.isInteger(db) || db > 15) bad(`names the database "${path}"; use a number from 0 to 15`);
  if (u.search || u.hash) bad('has a query or fragment');
  const loc: RedisLocation = { host, port, db, tls: u.protocol === 'rediss:', display: '' };
  if (u.username) loc.username = decodeURIComponent(u.username);
  if (u.password) loc.password = decodeURIComponent(u.password);
  const shown = new URL(u.href);
  if (shown.password) shown.password = '***';
  loc.display = shown.href.replace(/\/$/, '');
  return loc;
}
